"""Reading pages from files and writing results, with errors that name the file."""

"""Use-cases the screens and the CLI share; they return plain records from mediatrack.records."""

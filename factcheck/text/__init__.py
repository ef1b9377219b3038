"""Text analysis with exact offsets: sentences, quotes and speakers, quantities, metadata."""

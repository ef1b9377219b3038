"""Evidence retrieval: embeddings, the Chroma vector store, BM25, fusion."""

"""Embed the knowledge base and find the passages closest to a question."""

from sentence_transformers import SentenceTransformer

from app.settings import settings

encoder = SentenceTransformer(settings.embedding_model)


def top_passages(question: str, passages: list[str], k: int = 3) -> list[str]:
    scores = encoder.similarity(encoder.encode([question]), encoder.encode(passages))[0]
    ranked = sorted(zip(scores.tolist(), passages), reverse=True)
    return [p for _, p in ranked[:k]]

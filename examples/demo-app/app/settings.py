"""Settings read from the environment, with defaults for local development."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    chat_model: str = os.getenv("CHAT_MODEL", "deepseek-chat")
    chat_base_url: str = os.getenv("CHAT_BASE_URL", "https://api.deepseek.com/v1")
    embedding_model: str = "BAAI/bge-small-en-v1.5"
    fallback_model: str = os.getenv("FALLBACK_MODEL", "qwen2.5-coder:7b")


settings = Settings()

"""Answer a customer question with the hosted chat model, or the local fallback."""

import ollama
from openai import OpenAI

from app.settings import settings

client = OpenAI(base_url=settings.chat_base_url)


def answer(question: str, context: list[str]) -> str:
    messages = [
        {"role": "system", "content": "Answer from the context only.\n\n" + "\n".join(context)},
        {"role": "user", "content": question},
    ]
    try:
        reply = client.chat.completions.create(model=settings.chat_model, messages=messages, temperature=0.2)
        return reply.choices[0].message.content or ""
    except Exception:
        local = ollama.chat(model=settings.fallback_model, messages=messages)
        return local["message"]["content"]

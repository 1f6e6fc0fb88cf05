# Chorus: one image for the web processes and the task workers.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# DejaVu Sans draws the statements' social cards (SOCIAL_CARD_FONT_DIR).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/chorus --uid 10001 chorus
WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY --chown=chorus:chorus . .
# collectstatic needs settings but no database, cache or real secret.
RUN SECRET_KEY=collectstatic-only-not-a-secret REDIS_URL=redis://unused:6379/0 \
    python manage.py collectstatic --no-input

USER chorus
EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]

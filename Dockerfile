# SalesCoach bot image. Build: docker build -t salescoach .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -e DATABASE_URL=postgresql+asyncpg://... -v coach:/data salescoach
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    COACH_HOME=/data \
    COACH_MODELS_DIR=/opt/models

WORKDIR /app
# The CPU build of torch first, so the resolver never pulls a CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY config ./config
COPY knowledge ./knowledge
COPY prompts ./prompts
COPY store ./store
RUN pip install . && coach model build

RUN useradd --create-home coach && mkdir -p /data && chown coach /data
USER coach
VOLUME /data
EXPOSE 8443
CMD ["coach", "run"]

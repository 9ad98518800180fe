# syntax=docker/dockerfile:1
# The image every Airflow service in docker-compose.yml runs: Airflow, dbt, GX and the
# project's `mwh` package, every version pinned by uv.lock.
#
# Base: python:3.11-slim, not apache/airflow:3.3.2-python3.11. uv.lock already pins
# Airflow and its ~186 dependencies; on the official image they would be a second
# Airflow install shadowing the image's own (twice the size, two sets of versions,
# only one governed by the lock). The cost: no official /entrypoint, so the
# airflow-init service runs `airflow db migrate` and the admin setup itself.
FROM python:3.11-slim-bookworm

ENV AIRFLOW_HOME=/opt/airflow \
    MWH_HOME=/opt/airflow/mwh \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GX_ANALYTICS_ENABLED=false \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False \
    SCARF_ANALYTICS=false \
    DO_NOT_TRACK=1

# curl: the compose healthchecks of the API server and the scheduler.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

# The same uv the Makefile bootstraps (and uv.lock's dev group pins).
RUN pip install --no-cache-dir uv==0.13.8

# uid 50000 in gid 0, as in the official image: compose runs the services as any
# AIRFLOW_UID in gid 0, so whatever they write must be group-writable.
RUN useradd --uid 50000 --gid 0 --create-home --home-dir /home/airflow airflow \
    && mkdir -p /opt/airflow/logs /opt/airflow/mwh/payloads \
    && chown -R airflow:0 /opt/airflow /home/airflow \
    && chmod -R g+rwX /opt/airflow /home/airflow

WORKDIR /opt/airflow

# Dependencies first, from the lock only: this layer is rebuilt only when they change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# Then the source. The project is installed editable on purpose: ingest.config finds
# dags/, dbt_project/ and expectations/ beside ingest/, which a wheel would not.
COPY README.md ./
COPY airflow.env ./airflow.env
COPY ingest/ ingest/
COPY dags/ dags/
COPY dbt_project/ dbt_project/
COPY expectations/ expectations/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# The venv and the code stay root-owned: read-only for the services.
ENV HOME=/home/airflow
USER 50000:0
EXPOSE 8080

# docker-compose.yml gives the subcommand (api-server, scheduler, celery worker, ...).
ENTRYPOINT ["airflow"]
CMD ["version"]

# motcua — the two commands that matter: `make dev` and `make test` (see README.md).
SHELL := /bin/bash

.PHONY: dev test build tools test-domain test-api test-schema test-browser openapi bench deploy clean demo-sql

## Run the whole product locally with demo data on http://127.0.0.1:8787.
dev: tools build
	scripts/dev.sh

## Every test tier: domain (unit + property), API against a real wrangler dev, the OpenAPI
## document and schemathesis over it, browser.
test: tools build
	scripts/tools.sh browser
	$(MAKE) test-domain test-api test-schema test-browser

tools:
	scripts/tools.sh

build:
	scripts/build.sh

## The signer's tests check signed PDFs with pyHanko (scripts/ensure-pyhanko.sh: a venv in .tools/).
## The provinces' schema (functions/migrations_shard) is what functions/migrations gives, and the
## migration into provinces' databases verifies on a copy of the demo state.
test-domain:
	scripts/ensure-pyhanko.sh
	python3 scripts/gen_shard_schema.py --check
	python3 scripts/test_shard_migrate.py
	cargo test -p motcua-domain -p motcua-demo -p motcua-signer

test-api:
	RUST_BACKTRACE=0 cargo test -p motcua-tests -- --test-threads 4

## The OpenAPI document is current and complete, then schemathesis against a fresh wrangler dev:
## no 5xx, every 4xx in the error envelope.
test-schema:
	cargo test -p motcua-openapi
	scripts/schemathesis.sh

## Regenerate functions/openapi.json (served at /api/openapi.json) from the wire types.
openapi:
	cargo run -q -p motcua-openapi

test-browser:
	source scripts/env.sh && node --test --test-concurrency=1 tests/browser/*.test.mjs

## Speed and size figures into BENCHMARKS.md.
bench: tools build
	scripts/tools.sh browser bench
	scripts/bench.sh

## Regenerate functions/seed/demo.sql from the reference data and fee schedules.
demo-sql:
	python3 scripts/gen_demo_sql.py

## Deploy to Cloudflare for real (see README: resources and secrets must exist first). The signing
## Worker first (both others bind it as SIGNER), then the migrations, then the back-office Worker
## (the public Worker's binding BACKOFFICE needs it to exist; it binds the public Worker's Durable
## Object class, so on a brand-new account see README), then the public Worker.
deploy: tools
	PRODUCTION=1 scripts/build.sh
	source scripts/env.sh && wrangler deploy -c signer/wrangler.toml && wrangler d1 migrations apply DB --remote && wrangler deploy -c backoffice/wrangler.toml && wrangler deploy

clean:
	rm -rf dist functions/build functions/build-backoffice signer/build target .wrangler

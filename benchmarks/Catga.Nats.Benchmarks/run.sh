#!/usr/bin/env bash
# Measures Catga.Nats against the official NATS JavaScript client on one nats-server started for the run.
# Needs nats-server (apt-get install -y nats-server), node 20 and the .NET SDK. Extra arguments go to the tool,
# e.g. ./run.sh --quick for a short smoke run.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d js/node_modules/nats ]; then
  (cd js && npm install --no-audit --no-fund --no-package-lock --silent)
fi
dotnet run -c Release --project Catga.Nats.Benchmarks.csproj -- "$@"

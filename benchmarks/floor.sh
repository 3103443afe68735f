#!/usr/bin/env bash
# The floor: the guide's whole flow as bare docker commands, with nothing of the kit around it.
# Fresh registry, login, tag twice, push twice, remove, run with pull, logout, clean up.
# Usage: benchmarks/floor.sh REGISTRY_IMAGE HTPASSWD_FILE PORT   (the benchmark passes them;
# it also makes sure learner/hello-world:latest is the image's only name, so the pull is real)
set -euo pipefail
image=$1 htpasswd=$2 port=$3
export DOCKER_CONFIG
DOCKER_CONFIG=$(mktemp -d)
name=floor-registry-$$
address=localhost:$port
cleanup() {
    docker rm -f -v "$name" >/dev/null 2>&1 || true
    docker rmi "$address/learner/hello-world:0.1.0" "$address/learner/hello-world:latest" >/dev/null 2>&1 || true
    rm -rf "$DOCKER_CONFIG"
}
trap cleanup EXIT

docker run -d --name "$name" --label io.docker-share-kit=benchmark \
    --label io.docker-share-kit.session=benchmark -p "127.0.0.1:$port:5000" \
    -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_REALM=floor \
    -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd -v "$htpasswd:/auth/htpasswd:ro" \
    "$image" >/dev/null
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 401 ]; do
    sleep 0.02
done
echo learner-pass | docker login "$address" -u learner --password-stdin >/dev/null 2>&1
docker tag learner/hello-world:latest "$address/learner/hello-world:0.1.0"
docker tag learner/hello-world:latest "$address/learner/hello-world:latest"
docker push -q "$address/learner/hello-world:0.1.0" >/dev/null
docker push -q "$address/learner/hello-world:latest" >/dev/null
docker rmi "$address/learner/hello-world:0.1.0" "$address/learner/hello-world:latest" \
    learner/hello-world:latest >/dev/null
docker run --rm "$address/learner/hello-world:0.1.0" >/dev/null 2>&1
docker tag "$address/learner/hello-world:0.1.0" learner/hello-world:latest
docker logout "$address" >/dev/null

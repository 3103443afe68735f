#!/usr/bin/env bash
# The floor: what verifying the notebooks does to the engine, the registry and the home, as
# bare commands in the same order, with nothing of the kit around them.
# Made by `python -m benchmarks.floor` from a run of the steps: do not edit by hand.
#
# Usage (benchmarks/benchmark.py runs it so): bash floor.sh REGISTRY_IMAGE HTPASSWD_FILE PORT
# HELPER_PATH BUILDX, with localhost:5000 written as localhost:PORT, HOME holding the steps'
# materials (as `python -m helpers terminal` leaves it), the demo images removed, and the kit's
# PATH; HELPER_PATH is the credential-helper step's (the helper, `pass` and GnuPG), BUILDX the
# platforms step's docker-buildx plugin.
set -euo pipefail
image=$1 htpasswd=$2 port=$3 helper_path=$4 buildx=$5
registry=floor-registry-$$
start_registry() {
    docker run --detach --name "$registry" --publish 127.0.0.1:$port:5000 \
      --label io.docker-share-kit=benchmark \
      --label io.docker-share-kit.session=benchmark \
      --volume "$htpasswd":/auth/htpasswd:ro \
      --env REGISTRY_AUTH=htpasswd --env REGISTRY_AUTH_HTPASSWD_REALM=docker-share-kit \
      --env REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd --env REGISTRY_STORAGE_DELETE_ENABLED=true \
      --env REGISTRY_STORAGE_CACHE_BLOBDESCRIPTOR= \
      "$image" >/dev/null
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 401 ]; do
        sleep 0.02
    done
}
stop_registry() {
    docker rm -f -v "$registry" >/dev/null
}
trap 'docker rm -f -v "$registry" >/dev/null 2>&1 || true' EXIT
cd ~
start_registry

# 01-registries-and-names.ipynb: the notebook's commands
ls -1 ~
docker load -q -i ~/tinybase.tar
docker load -q -i ~/hello-world.tar
docker image ls --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}' learner/hello-world
docker run --rm --pull=never learner/hello-world
curl -s -o /dev/null -w '%{http_code}\n' http://localhost:5000/v2/

# 01-registries-and-names.ipynb: the check's commands
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' tinybase:latest || true
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' learner/hello-world:latest || true

# 02-login.ipynb: the set-up
rm -rf ~/.docker

# 02-login.ipynb: the notebook's commands
! cat ~/.docker/config.json || exit 1
docker login localhost:5000 --username learner --password-stdin < ~/registry-password.txt
cat ~/.docker/config.json
sed -n 's/.*"auth": "\(.*\)".*/\1/p' ~/.docker/config.json | base64 -d; echo
docker login localhost:5000

# 02-login.ipynb: the check's commands
grep -o '"localhost:5000"' ~/.docker/config.json || true

# 03-tag.ipynb: the notebook's commands
docker image ls --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}' learner/hello-world
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest
docker image ls --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}' localhost:5000/learner/hello-world

# 03-tag.ipynb: the check's commands
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' localhost:5000/learner/hello-world || true

# 04-push.ipynb: the set-up
echo learner-pass | docker login localhost:5000 -u learner --password-stdin
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest

# 04-push.ipynb: the notebook's commands
docker tag tinybase:latest localhost:5000/library/tinybase:latest
docker push localhost:5000/library/tinybase:latest
docker push localhost:5000/learner/hello-world:0.1.0
docker push localhost:5000/learner/hello-world:latest
docker push localhost:5000/learner/hello-world
docker push --all-tags localhost:5000/learner/hello-world
curl -s -u learner:learner-pass http://localhost:5000/v2/learner/hello-world/tags/list | python3 -c 'import json, sys; print(sorted(json.load(sys.stdin)["tags"]))'
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/0.1.0 | grep Docker-Content-Digest

# 04-push.ipynb: the check's commands
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/library/tinybase/manifests/latest | grep Docker-Content-Digest || true
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/0.1.0 | grep Docker-Content-Digest || true
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/latest | grep Docker-Content-Digest || true

# 05-pull.ipynb: the set-up
docker image rm -f $(docker image inspect --format '{{.Id}}' learner/hello-world:latest)
docker load -q -i ~/hello-world.tar
stop_registry
start_registry
echo learner-pass | docker login localhost:5000 -u learner --password-stdin
docker tag tinybase:latest localhost:5000/library/tinybase:latest
docker push localhost:5000/library/tinybase:latest
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest
docker push localhost:5000/learner/hello-world:0.1.0
docker push localhost:5000/learner/hello-world:latest

# 05-pull.ipynb: the notebook's commands
docker image rm localhost:5000/learner/hello-world:0.1.0 localhost:5000/learner/hello-world:latest learner/hello-world:latest
docker run --rm localhost:5000/learner/hello-world:0.1.0
docker image ls --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}' localhost:5000/learner/hello-world
docker image ls --digests --format 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}' localhost:5000/learner/hello-world
docker pull $(docker image inspect --format '{{index .RepoDigests 0}}' localhost:5000/learner/hello-world:0.1.0)

# 05-pull.ipynb: the check's commands
docker image ls -q learner/hello-world:latest || true
docker image ls --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' localhost:5000/learner/hello-world || true

# 06-logout.ipynb: the set-up
docker load -q -i ~/hello-world.tar
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest
echo learner-pass | docker login localhost:5000 -u learner --password-stdin

# 06-logout.ipynb: the notebook's commands
docker logout localhost:5000
cat ~/.docker/config.json
curl -s -o /dev/null -w '%{http_code}\n' -u learner:learner-pass http://localhost:5000/v2/
! docker pull localhost:5000/learner/hello-world:0.1.0 || exit 1

# 06-logout.ipynb: the check's commands
cat ~/.docker/config.json || true

# 07-common-mistakes.ipynb: the set-up
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest
rm -rf ~/.docker
echo learner-pass | docker login localhost:5000 -u learner --password-stdin
docker logout localhost:5000

# 07-common-mistakes.ipynb: the notebook's commands
! echo wrong-password | docker login localhost:5000 --username learner --password-stdin || exit 1
! docker push localhost:5000/learner/hello-world:0.1.0 || exit 1
! docker push localhost:5000/learner/helloworld:0.1.0 || exit 1
! docker push localhost:5000/learner/hello-world:0.2.0 || exit 1
echo '{"credsStore": "desktop.exe"}' > ~/.docker/config.json
! docker login localhost:5000 --username learner --password-stdin < ~/registry-password.txt || exit 1
rm ~/.docker/config.json
docker login localhost:5000 --username learner --password-stdin < ~/registry-password.txt
! docker pull localhost:5000/learner/hello-world:0.2.0 || exit 1
docker tag localhost:5000/learner/hello-world:0.1.0 localhost:5000/learner/hello-world:0.2.0
docker push localhost:5000/learner/hello-world:0.2.0
docker pull localhost:5000/learner/hello-world:0.2.0
docker logout localhost:5000
! docker tag localhost:5000/learner/hello-world:0.1.0 localhost:5000/learner/Hello-World:0.1.0 || exit 1
! docker tag localhost:5000/learner/hello-world:0.1.0 "localhost:5000/learner/hello-world:$(printf '%0129d' 0)" || exit 1
! docker tag localhost:5000/learner/hello-world:0.1.0 localhost:5000/learner/hello-world:-beta || exit 1
! docker push localhost:5000 || exit 1

# 07-common-mistakes.ipynb: the check's commands
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/0.2.0 | grep Docker-Content-Digest || true
cat ~/.docker/config.json || true

# 08-clean-up.ipynb: the set-up
stop_registry
start_registry
echo learner-pass | docker login localhost:5000 -u learner --password-stdin
docker tag tinybase:latest localhost:5000/library/tinybase:latest
docker push localhost:5000/library/tinybase:latest
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest
docker push localhost:5000/learner/hello-world:0.1.0
docker push localhost:5000/learner/hello-world:latest
echo learner-pass | docker login localhost:5000 -u learner --password-stdin
docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.2.0
docker push localhost:5000/learner/hello-world:0.2.0
docker logout localhost:5000

# 08-clean-up.ipynb: the notebook's commands
docker image rm localhost:5000/learner/hello-world:0.2.0
curl -s -o /dev/null -w '%{http_code}\n' -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/0.2.0
curl -s -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/0.2.0 > ~/manifest.json
sha256sum ~/manifest.json
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-world/manifests/0.2.0 | sed -n 's/^Docker-Content-Digest: \([^[:space:]]*\).*/\1/p' > ~/digest.txt
cat ~/digest.txt
curl -s -u learner:learner-pass -X DELETE http://localhost:5000/v2/learner/hello-world/manifests/0.2.0
curl -s -o /dev/null -w '%{http_code}\n' -u learner:learner-pass -X DELETE http://localhost:5000/v2/learner/hello-world/manifests/$(cat ~/digest.txt)
curl -s -u learner:learner-pass http://localhost:5000/v2/learner/hello-world/tags/list
for blob in $(grep -o 'sha256:[0-9a-f]*' ~/manifest.json); do echo "$blob $(curl -s -I -o /dev/null -w '%{http_code}' -u learner:learner-pass http://localhost:5000/v2/learner/hello-world/blobs/$blob)"; done
docker exec -e REGISTRY_LOG_LEVEL=warn "$registry" registry garbage-collect /etc/docker/registry/config.yml
for blob in $(grep -o 'sha256:[0-9a-f]*' ~/manifest.json); do echo "$blob $(curl -s -I -o /dev/null -w '%{http_code}' -u learner:learner-pass http://localhost:5000/v2/learner/hello-world/blobs/$blob)"; done

# 08-clean-up.ipynb: the check's commands
curl -s -u learner:learner-pass http://localhost:5000/v2/learner/hello-world/tags/list || true
for blob in $(grep -o 'sha256:[0-9a-f]*' ~/manifest.json); do echo "$blob $(curl -s -I -o /dev/null -w '%{http_code}' -u learner:learner-pass http://localhost:5000/v2/learner/hello-world/blobs/$blob)"; done || true

# 09-credential-helper.ipynb: the set-up
rm -rf ~/.gnupg-kit
mkdir -m 700 ~/.gnupg-kit
rm -rf ~/.docker
mkdir ~/.docker
export PATH="$PATH:$helper_path"

# 09-credential-helper.ipynb: the notebook's commands
gpg --batch --quiet --passphrase '' --quick-gen-key 'learner <learner@localhost>' future-default default never
pass init learner@localhost
echo '{"credsStore": "pass"}' > ~/.docker/config.json
docker login localhost:5000 --username learner --password-stdin < ~/registry-password.txt
cat ~/.docker/config.json
docker-credential-pass list
docker logout localhost:5000
docker-credential-pass list
gpgconf --kill gpg-agent

# 09-credential-helper.ipynb: the check's commands
cat ~/.docker/config.json || true
docker-credential-pass list || true

# 10-platforms.ipynb: the set-up
rm -rf ~/.docker
mkdir -p ~/.docker/cli-plugins && ln -sf "$buildx" ~/.docker/cli-plugins/docker-buildx

# 10-platforms.ipynb: the notebook's commands
docker login localhost:5000 --username learner --password-stdin < ~/registry-password.txt 2>/dev/null
docker load -q -i ~/hello-world-amd64.tar
docker load -q -i ~/hello-world-arm64.tar
docker image inspect --format '{{.Os}}/{{.Architecture}}' learner/hello-world:amd64 learner/hello-world:arm64
docker tag learner/hello-world:amd64 localhost:5000/learner/hello-multi:0.1.0-amd64
docker tag learner/hello-world:arm64 localhost:5000/learner/hello-multi:0.1.0-arm64
docker push --quiet localhost:5000/learner/hello-multi:0.1.0-amd64
docker push --quiet localhost:5000/learner/hello-multi:0.1.0-arm64
docker image rm localhost:5000/learner/hello-multi:0.1.0-amd64 localhost:5000/learner/hello-multi:0.1.0-arm64
docker buildx imagetools create --progress=quiet -t localhost:5000/learner/hello-multi:0.1.0 localhost:5000/learner/hello-multi:0.1.0-amd64 localhost:5000/learner/hello-multi:0.1.0-arm64
docker buildx imagetools inspect localhost:5000/learner/hello-multi:0.1.0
docker pull --platform linux/arm64 localhost:5000/learner/hello-multi:0.1.0
docker run --rm --platform linux/arm64 localhost:5000/learner/hello-multi:0.1.0 || true
docker pull --platform linux/amd64 localhost:5000/learner/hello-multi:0.1.0
docker run --rm --platform linux/amd64 localhost:5000/learner/hello-multi:0.1.0 || true
docker image ls --digests --format '{{.Tag}} {{.Digest}} {{.ID}}' localhost:5000/learner/hello-multi | sort
! docker pull --platform linux/arm/v7 localhost:5000/learner/hello-multi:0.1.0 || exit 1
docker logout localhost:5000

# 10-platforms.ipynb: the check's commands
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-multi/manifests/0.1.0 | grep Docker-Content-Digest || true
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-multi/manifests/0.1.0-amd64 | grep Docker-Content-Digest || true
curl -s -I -u learner:learner-pass -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' http://localhost:5000/v2/learner/hello-multi/manifests/0.1.0-arm64 | grep Docker-Content-Digest || true

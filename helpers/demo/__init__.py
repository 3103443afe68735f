"""The two demo images: what they hold, written as docker-archive tarballs, loaded and
removed again."""

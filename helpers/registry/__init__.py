"""The kit's throwaway ``registry:2``: its container and image, its port, its login, its HTTP
API, and the one registry of each session."""

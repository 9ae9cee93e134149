{
  "targets": [
    {
      "target_name": "ecdsa_digest",
      "sources": ["ecdsa-digest.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

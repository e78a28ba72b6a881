#!/usr/bin/env python3
"""Lists an event's originals from a Klikt server, for the curl side of
bench/pull_vs_curl.sh: signs in, reads the whole change feed, and writes

  OUT/token          the bearer access token (one line)
  OUT/curl.cfg       a curl config (-K) with one url/output pair per original,
                     the Authorization header, and --fail
  OUT/sha256.N       `sha256sum -c` manifests, the originals split into PARTS
                     lists (one per core) by alternating items

Prints the number of originals and their total bytes.

usage: pull_urls.py SERVER_URL EMAIL PASSWORD EVENT_ID DOWNLOAD_DIR OUT [PARTS]
"""
import json
import pathlib
import sys
import urllib.request


def request(url: str, token: str | None = None, body: dict | None = None) -> dict:
    headers = {"accept": "application/json"}
    data = None
    if body is not None:
        headers["content-type"] = "application/json"
        data = json.dumps(body).encode()
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def main() -> None:
    server, email, password, event, downloads, out = sys.argv[1:7]
    parts = int(sys.argv[7]) if len(sys.argv) > 7 else 2
    server = server.rstrip("/")
    out_dir = pathlib.Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)

    token = request(f"{server}/v1/sessions", body={"email": email, "password": password})["access_token"]

    media: dict[str, dict] = {}
    cursor = None
    while True:
        url = f"{server}/v1/events/{event}/changes?limit=1000"
        if cursor:
            url += f"&cursor={cursor}"
        page = request(url, token)
        for change in page["changes"]:
            if change["kind"] == "media":
                media[change["id"]] = change
            elif change["kind"] == "tombstone" and change.get("target") == "media":
                media.pop(change["id"], None)
            elif change["kind"] == "reset":
                media.clear()
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break

    (out_dir / "token").write_text(token + "\n")
    lines = ["--fail", "--silent", "--show-error", f'header = "Authorization: Bearer {token}"']
    for item_id in media:
        lines.append(f'url = "{server}/v1/media/{item_id}/original"')
        lines.append(f'output = "{downloads}/{item_id}"')
    (out_dir / "curl.cfg").write_text("\n".join(lines) + "\n")
    manifests = [[] for _ in range(parts)]
    for i, (item_id, item) in enumerate(media.items()):
        manifests[i % parts].append(f"{item['sha256']}  {downloads}/{item_id}\n")
    for i, manifest in enumerate(manifests):
        (out_dir / f"sha256.{i}").write_text("".join(manifest))
    total = sum(item["size"] for item in media.values())
    print(f"{len(media)} originals, {total} bytes")


if __name__ == "__main__":
    main()

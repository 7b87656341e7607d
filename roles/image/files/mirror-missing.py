# Which release tools the local mirror lacks: one HEAD per URL given on the command line, in one process (a uri
# task per tool cost a module run each, about 3.5 s of a no-op run). Prints the JSON list of the URLs answered 404;
# any other answer, or none, fails naming the URL. The mirror is on loopback: no proxy is used.
import json
import sys
import urllib.error
import urllib.request


def main():
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    missing = []
    for url in sys.argv[1:]:
        try:
            opener.open(urllib.request.Request(url, method="HEAD"), timeout=10).close()
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                sys.exit("%s answered %d" % (url, exc.code))
            missing.append(url)
        except (urllib.error.URLError, OSError) as exc:
            sys.exit("%s: %s" % (url, exc))
    print(json.dumps(missing))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Makes sure this machine has the programs the tests run, so that the README's test command
# (`./mvnw -B verify`) passes on a fresh Debian machine that has only a JDK. The parent pom runs this
# script in the validate phase whenever tests will run (not under -Dmaven.test.skip=true or -DskipTests).
#
# Every program present: does nothing (no apt, no network). Some missing: as root with apt-get, installs
# their Debian packages; otherwise fails at once, naming them and the command to run.
# Opt out (you manage the machine yourself): -Dpingscope.installTestPackages=false or
# PINGSCOPE_INSTALL_TEST_PACKAGES=false; the script then only warns about what is missing.
set -euo pipefail

# program|Debian package|why the tests need it (each package once; a package may provide several programs)
needs=(
  "chromium|chromium|browser tests drive Debian's Chromium through Playwright (PINGSCOPE_TEST_BROWSER names another)"
  "firefox-esr|firefox-esr|browser tests run in Firefox ESR too, headless, over WebDriver BiDi (PINGSCOPE_TEST_FIREFOX names another)"
  "WebKitWebDriver|webkit2gtk-driver|browser tests run in WebKitGTK too, over W3C WebDriver (WebKitWebDriver)"
  "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser|libwebkit2gtk-4.1-0|WebKitGTK's MiniBrowser, the WebKit the tests drive"
  "Xvfb|xvfb|MiniBrowser has no headless mode: it runs on a virtual X display"
  "nginx|nginx-light|stack tests run the deployment's nginx.conf in front of test servers"
  "prometheus promtool|prometheus|stack tests scrape with a real Prometheus; promtool checks the rules and alerts"
  "docker-compose|docker-compose|validates docker-compose.yml (config -q only: no Docker engine needed)"
  "haproxy|haproxy|runs the HAProxy deployment config in front of test servers (and haproxy -c)"
  "node|nodejs|runs the JavaScript linter (Biome) in web/, and Playwright's driver"
  "npm|npm|installs the pinned JavaScript linter (npm ci in web/)"
  "/usr/lib/postgresql/15/bin/initdb|postgresql|results tests run the same contract on a throwaway PostgreSQL 15 cluster as on SQLite"
  "fc-list|fontconfig|the result card (PNG) draws its text with Java2D, which finds fonts through fontconfig (brings fonts-dejavu-core)"
  "ip tc|iproute2|the bottleneck test builds network namespaces, veth pairs and a tbf rate limit (ip, tc)"
)

install=true
case "${1:-}" in
  --install=false) install=false ;;
esac
[ "${PINGSCOPE_INSTALL_TEST_PACKAGES:-true}" = false ] && install=false

# nginx and haproxy live in /usr/sbin, which is not on every user's PATH.
search_path="$PATH:/usr/sbin:/sbin:/usr/local/sbin"
has() { [ -x "$1" ] || PATH="$search_path" command -v "$1" >/dev/null 2>&1; }

missing=()   # packages
reasons=()   # "package: why"
for need in "${needs[@]}"; do
  IFS='|' read -r programs package why <<<"$need"
  for program in $programs; do
    if [ "$program" = chromium ] && [ -n "${PINGSCOPE_TEST_BROWSER:-}" ]; then
      continue
    fi
    if ! has "$program"; then
      missing+=("$package")
      reasons+=("  $package ($program): $why")
      break
    fi
  done
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$install" = false ]; then
  echo "test-packages: not installing (opted out); missing: ${missing[*]}; tests that need them will fail" >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-packages: the tests need Debian packages that are missing: ${missing[*]}." \
    "Install them (sudo apt-get install --no-install-recommends ${missing[*]}), or run with" \
    "-Dpingscope.installTestPackages=false if you manage them yourself." >&2
  exit 1
fi

echo "test-packages: installing what the tests need (once):"
printf '%s\n' "${reasons[@]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o DPkg::Lock::Timeout=300
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}"

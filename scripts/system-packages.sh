#!/usr/bin/env bash
# Installs the Debian packages the project uses when they are missing. Where that is
# impossible (not root, no apt), it says so: the features that need them report it too.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# Liberation Serif 1.x (fonts-liberation) lacks the Vietnamese letters with a dot or hook
# below (U+1EA0-1EF9) and ơ/ư, so LibreOffice draws them in another face; 2.x covers them.
# The check asks for a Liberation Serif that has those letters, not for any Liberation Serif.
fc-list ':family=Liberation Serif:charset=1a1 1b0 1ea1 1ef5' file 2>/dev/null | grep -q . \
  || missing+=(fonts-liberation2)
# pdffonts: the test that reads which fonts a generated PDF embeds.
command -v pdffonts >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: cannot install ${missing[*]} (needs root and apt-get);" \
       "browser tests and PDF output will be skipped or disabled." >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "warning: apt-get could not install ${missing[*]}" >&2

# Sourced by the other scripts: selects JDK 25 (plain `java` on this machine kind is 17) and sets run-time
# settings every entry point needs. Never downloads anything.
SLIDEBATCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SLIDEBATCH_HOME   # scripts/python peers are found from here (bench pretrain --phase 2)
if [ -z "${JAVA_HOME:-}" ] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "${JAVA_HOME}/bin/java" ]; then
  echo "slidebatch: JDK 25 not found (looked for /usr/lib/jvm/temurin-25-jdk-amd64); install Temurin 25 or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# DJL (later stages) must stay offline and keep its natives in one place.
export DJL_OFFLINE=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.cache/slidebatch/djl}"
SLIDEBATCH_JAR="$SLIDEBATCH_HOME/target/slidebatch.jar"

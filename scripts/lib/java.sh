# shellcheck shell=bash
# Sourced by the repo's scripts: finds a JDK 21 or newer and exports JAVA_HOME and PATH for it.
# Order: $JAVA_HOME, then `java` on PATH, then the newest /usr/lib/jvm/*/bin/java.
# Usage: . scripts/lib/java.sh && anyclaude_find_java

# Prints the feature version (8, 17, 21, 25, ...) of the java launcher given as $1, or nothing. Read from the
# JDK's release file when it has one, with shell built-ins only: starting a JVM just to ask costs 0.1-0.2 s,
# and every fork a few ms, on every start of ./anyclaude.
anyclaude_java_major() {
    local release="${1%/bin/java}/release" version="" line
    if [ ! -f "$release" ]; then
        release="$(readlink -f "$1")"
        release="${release%/bin/java}/release"
    fi
    if [ -f "$release" ]; then
        while IFS= read -r line; do
            if [[ $line == JAVA_VERSION=* ]]; then
                version="${line#JAVA_VERSION=}"
                version="${version//\"/}"
                break
            fi
        done < "$release"
    fi
    if [ -z "$version" ]; then
        version="$("$1" -version 2>&1 | awk -F'"' '/ version "/ { print $2; exit }')" || return 0
    fi
    version="${version#1.}"           # 1.8.0_292 -> 8.0_292
    version="${version%%[!0-9]*}"     # 21.0.4 -> 21, 25-ea -> 25
    printf '%s' "$version"
}

# Succeeds when $1 is a java launcher of feature version 21 or newer.
anyclaude_java_ok() {
    local major
    [ -x "$1" ] || return 1
    major="$(anyclaude_java_major "$1")"
    [ -n "$major" ] && [ "$major" -ge 21 ]
}

# Sets JAVA_HOME (and PATH) to the JDK found, and anyclaude_java_feature to its feature version (25, ...).
anyclaude_find_java() {
    local candidate home best="" best_major=0 major
    if [ -n "${JAVA_HOME:-}" ] && anyclaude_java_ok "$JAVA_HOME/bin/java"; then
        home="$JAVA_HOME"
    elif candidate="$(command -v java 2>/dev/null)" && anyclaude_java_ok "$candidate"; then
        candidate="$(readlink -f "$candidate")"
        home="${candidate%/bin/java}"
    else
        for candidate in /usr/lib/jvm/*/bin/java; do
            [ -x "$candidate" ] || continue
            major="$(anyclaude_java_major "$candidate")"
            [ -n "$major" ] && [ "$major" -ge 21 ] || continue
            if [ "$major" -gt "$best_major" ]; then
                best_major="$major"
                best="$candidate"
            fi
        done
        if [ -n "$best" ]; then
            best="$(readlink -f "$best")"
            home="${best%/bin/java}"
        fi
    fi
    if [ -z "${home:-}" ]; then
        echo "anyclaude needs a JDK 21 or newer, and found none: JAVA_HOME is ${JAVA_HOME:-unset}," \
             "'java' on PATH is $(command -v java >/dev/null 2>&1 && anyclaude_java_major "$(command -v java)" || echo missing)," \
             "and no /usr/lib/jvm/*/bin/java is 21 or newer. Install one (e.g. a Temurin or OpenJDK 21+ package)" \
             "or point JAVA_HOME at it." >&2
        return 1
    fi
    export JAVA_HOME="$home"
    anyclaude_java_feature="$(anyclaude_java_major "$JAVA_HOME/bin/java")"
    case ":$PATH:" in
        *":$JAVA_HOME/bin:"*) ;;
        *) export PATH="$JAVA_HOME/bin:$PATH" ;;
    esac
    # PATH may hold an older java before ours; make sure ours wins.
    if [ "$(command -v java)" != "$JAVA_HOME/bin/java" ]; then
        export PATH="$JAVA_HOME/bin:$PATH"
    fi
}

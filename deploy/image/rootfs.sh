#!/usr/bin/env bash
# Lays out the files the container image adds to its base (sip-gateway/pom.xml, profile "image", runs this).
#   rootfs.sh OUT none   the directories the non-root gateway writes (for eclipse-temurin / distroless bases)
#   rootfs.sh OUT jre    also a JRE for the "scratch" base (profile "image-offline"): jlink of the JDK running this,
#                        the host's shared libraries it needs (glibc...), /etc/passwd with the nonroot user, /tmp.
# OUT is emptied first. Needs a JDK (jlink) and ldd (glibc); the image then runs on the host's architecture.
set -euo pipefail
out=$(realpath -m "${1:?usage: rootfs.sh OUT none|jre}")
mode=${2:?usage: rootfs.sh OUT none|jre}
rm -rf "$out"
mkdir -p "$out/var/lib/gateway" "$out/etc/gateway"

[ "$mode" = none ] && exit 0
[ "$mode" = jre ] || { echo "rootfs.sh: mode must be none or jre, got '$mode'" >&2; exit 2; }

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -x "$java_home/bin/jlink" ] || { echo "rootfs.sh: no jlink in $java_home (need a JDK 17+, not a JRE)" >&2; exit 1; }

# Modules: `jdeps --print-module-deps --ignore-missing-deps` of gateway.jar (java.base, java.compiler, java.desktop,
# java.naming, java.sql, jdk.jfr, jdk.sctp, jdk.unsupported) plus what is reached by name or service lookup:
# java.logging (LogFormat), jdk.crypto.ec (ECDHE for SIP TLS and wss:// on JDK 17), jdk.naming.dns (JNDI DNS),
# java.management/jdk.management (JVM and process metrics), jdk.localedata is left out (English only).
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.naming.dns,jdk.sctp,jdk.unsupported
jre="$out/opt/java/openjdk"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$jre"
# Debian's JDK keeps the CA list as a link to /etc/ssl/certs/java/cacerts: put the file itself in the image
cacerts="$jre/lib/security/cacerts"
if [ -L "$cacerts" ]; then
  target=$(readlink -f "$cacerts")
  rm "$cacerts"
  if [ -f "$target" ]; then cp "$target" "$cacerts"; else echo "rootfs.sh: warning: no CA list at $target" >&2; fi
fi

# The shared libraries of every ELF file in the JRE, copied to the paths the dynamic linker looks at (files, not
# links: Jib adds what a link points to). Libraries the gateway's jars carry (libopus, JNA's dispatcher) are
# unpacked to /tmp at run time and need only libc, libm, libdl and libpthread, which the JRE needs too. AWT's
# libraries (java.desktop is there for java.beans) would bring X11 and fonts: left out, nothing here draws.
libs=$(find "$jre/bin" "$jre/lib" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
  ! -regex '.*/lib\(awt\|jawt\|awt_xawt\|awt_headless\|fontmanager\|jsound\|splashscreen\|lcms\|javajpeg\|mlib_image\)\.so' \
  -exec ldd {} \; 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
for lib in $libs /lib/x86_64-linux-gnu/libm.so.6 /lib/x86_64-linux-gnu/libdl.so.2 /lib/x86_64-linux-gnu/libpthread.so.0; do
  [ -e "$lib" ] || continue
  case $lib in "$jre"/*) continue ;; esac   # the JRE's own (libjli...), found through its RPATH
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

mkdir -p "$out/tmp"
cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
echo 'hosts: files dns' > "$out/etc/nsswitch.conf"

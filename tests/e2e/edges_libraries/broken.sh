# sh broken.sh FEATURE: makes libs-FEATURE/, holding a file that is not a
# library under the soname pipe loads for FEATURE (read from the binary's
# .note.dlopen), for LD_LIBRARY_PATH to find first.
so=$(readelf -p .note.dlopen "$PIPE" | grep "\"feature\":\"$1\"" | sed 's/.*"soname":\["\([^"]*\)".*/\1/')
[ -n "$so" ] || { echo "no .note.dlopen entry for $1"; exit 1; }
mkdir -p "libs-$1" && echo "not a library" > "libs-$1/$so"

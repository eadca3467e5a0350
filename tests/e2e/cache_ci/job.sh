# One CI job: a fresh checkout of the project (pipelines/, data/) in $1,
# sharing only the bare state remote and the cache ($2: a directory or URL)
# with the other jobs; its state pull makes targets/ and state/ (no pipe init).
set -e
rm -rf "$1"
mkdir "$1"
cp -r pipelines data "$1"
cd "$1"
pipe state pull ../remote.git
pipe cache pull "$2"
pipe build -j1
pipe state push ../remote.git
pipe cache push "$2"

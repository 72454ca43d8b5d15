// Lesson: worker threads sharing memory.
//
// Four workers count the primes in four ranges of 1..LIMIT at the same time,
// on four threads of this one process. They share a SharedArrayBuffer: each
// adds its count into the same slot with Atomics.add, which cannot lose an
// update even when two threads add at once (a plain `+=` could).
// The main thread prints the total and checks it against a count of its own.
'use strict';
const { Worker, isMainThread, workerData } = require('worker_threads');

const LIMIT = 200000;
const WORKERS = 4;

function isPrime(n) {
    if (n < 2)
        return false;
    for (let d = 2; d * d <= n; d++)
        if (n % d === 0)
            return false;
    return true;
}

if (!isMainThread) {
    // A worker: count the primes of [from, to) and add them to the shared total.
    const { from, to, shared } = workerData;
    let count = 0;
    for (let n = from; n < to; n++)
        if (isPrime(n))
            count++;
    const view = new Int32Array(shared);
    Atomics.add(view, 0, count);
    console.log(`worker for ${from}..${to - 1}: ${count} primes`);
    // Then the worker sleeps 2 s, so that its thread can be seen (T or f in
    // forkscope): Atomics.wait blocks this thread until slot 1 changes, which
    // nobody does, or the time is up. The main thread may not block like this.
    Atomics.wait(view, 1, 0, 2000);
    return;
}

const shared = new SharedArrayBuffer(8); // two Int32: the total, a slot to wait on
const step = Math.ceil(LIMIT / WORKERS);
let left = WORKERS;
for (let i = 0; i < WORKERS; i++) {
    const from = i * step + 1, to = Math.min((i + 1) * step, LIMIT) + 1;
    const w = new Worker(__filename, { workerData: { from, to, shared } });
    w.on('exit', () => {
        if (--left > 0)
            return;
        // Every worker is done: read the total they built together.
        const total = Atomics.load(new Int32Array(shared), 0);
        let expected = 0;
        for (let n = 1; n <= LIMIT; n++)
            if (isPrime(n))
                expected++;
        console.log(`primes up to ${LIMIT}: ${total} counted by ${WORKERS} workers`);
        console.log(total === expected ? `check: ${expected} counted alone, the same`
                                       : `check FAILED: ${expected} counted alone`);
        process.exitCode = total === expected ? 0 : 1;
    });
}

// Lesson: a pool of workers.
//
// Starting a thread costs time, so a pool starts a few workers once and hands
// them jobs one at a time with postMessage. A worker answers with its result;
// the pool gives it the next job, and when no job is left it tells the
// workers to stop.
// Two workers do eight jobs here (sum the numbers up to N): which worker does
// which job depends on which one is free first.
'use strict';
const { Worker, isMainThread, parentPort, threadId } = require('worker_threads');

if (!isMainThread) {
    // A worker: do each job it is given, answer with the result.
    parentPort.on('message', (job) => {
        if (job === 'stop') {
            parentPort.close(); // nothing keeps the thread alive now: it ends
            return;
        }
        let sum = 0;
        for (let i = 1; i <= job.n; i++)
            sum += i;
        // Make each job last half a second, so that the pool can be watched.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
        parentPort.postMessage({ id: job.id, sum, worker: threadId });
    });
    return;
}

const jobs = [];
for (let id = 1; id <= 8; id++)
    jobs.push({ id, n: id * 1000000 });
let done = 0;

function next(w) {
    const job = jobs.shift();
    if (job !== undefined)
        w.postMessage(job);
    else
        w.postMessage('stop'); // nothing left for this worker
}

for (let i = 0; i < 2; i++) {
    const w = new Worker(__filename);
    w.on('message', (r) => {
        done++;
        console.log(`job ${r.id} done by worker ${r.worker}: sum ${r.sum}`);
        next(w);
    });
    next(w);
}
process.on('exit', () => console.log(`the pool did ${done} of 8 jobs`));

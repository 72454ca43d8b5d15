// forkscope's Node tracer (doc/tracing.md). forkscope puts
// `--require <this file>` in NODE_OPTIONS and the path of its report FIFO in
// FORKSCOPE_TRACE; every node process below a task loads it, and so does every
// worker thread. It reports, one JSON line each, the children a process starts
// (child_process), their ends and errors, its worker threads, the messages its
// processes and threads send on a fork channel or a port, and the
// SharedArrayBuffers it hands to workers; and which port ends its messages
// move, so that forkscope can tell where a port handed over leads (doc/tracing.md,
// "Ports handed over"). It changes nothing the program sees:
// it prints nothing, adds no listener, keeps no handle referenced, and writes
// whole lines (<= PIPE_BUF) synchronously so process.exit() loses none.
'use strict';
(function forkscopeTrace() {
    const fifo = process.env.FORKSCOPE_TRACE;
    const key = Symbol.for('forkscope.trace');
    if (!fifo || globalThis[key]) return;
    globalThis[key] = true;

    const fs = require('fs');
    const util = require('util');
    const wt = require('worker_threads');
    const PIPE_BUF = 4096;
    const VALUE_MAX = 2048; // a value's JSON text kept, at most
    const RATE = 200;       // values per second and channel reported whole
    const SAMPLE_MS = 100;  // past the rate: one value kept per this
    const task = process.env.FORKSCOPE_TRACE_TASK || '';
    const pid = process.pid;
    const self = wt.isMainThread ? 0 : wt.threadId;
    const head = '{"task":' + JSON.stringify(task) + ',"pid":' + pid + ',"thread_id":' + self;
    let fd = -1;
    let lost = 0;
    let pause = null;

    function open() {
        try {
            fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        } catch (e) {
            fd = -2; // no reader: tracing is off for this process
        }
    }

    // A full FIFO: wait a millisecond (synchronously, without the loop) and
    // try again, for at most two seconds; then the line is lost and counted.
    function writeLine(s) {
        if (fd === -1) open();
        if (fd < 0) return;
        const b = Buffer.from(s + '\n');
        for (let tries = 0; tries < 2000; tries++) {
            try {
                fs.writeSync(fd, b);
                return;
            } catch (e) {
                if (e.code !== 'EAGAIN') break;
                if (pause === null) pause = new Int32Array(new SharedArrayBuffer(4));
                Atomics.wait(pause, 0, 0, 1);
            }
        }
        lost++;
    }

    // One report: fields after the common head. A line past PIPE_BUF loses its
    // value (cut) first, then is replaced by a note.
    function report(ev, body) {
        let s = head + ',"ev":"' + ev + '"' + body + '}';
        if (Buffer.byteLength(s) >= PIPE_BUF)
            s = head + ',"ev":"note","what":"report too long","of":"' + ev + '"}';
        writeLine(s);
    }

    function note(what) {
        report('note', ',"what":' + JSON.stringify(what));
    }

    function json(v) {
        try {
            const s = JSON.stringify(v);
            return s === undefined ? 'null' : s;
        } catch (e) {
            return JSON.stringify(String(e && e.message));
        }
    }

    function ep(p, t) {
        return '{"pid":' + (p === undefined || p === null ? 'null' : p) + ',"thread_id":' +
            (t === undefined || t === null ? 'null' : t) + '}';
    }

    // ---- messages: whole while a channel stays under RATE a second, then
    // counted (count and bytes, one aggregate line per channel every second
    // and at exit) with one value kept every SAMPLE_MS.
    const channels = new Map();
    let timer = null;

    function channel(from, to) {
        const k = from + '>' + to;
        let c = channels.get(k);
        if (c === undefined) {
            c = { from, to, win: 0, n: 0, count: 0, bytes: 0, kept: 0, last: 0 };
            channels.set(k, c);
        }
        return c;
    }

    function flush() {
        timer = null;
        for (const c of channels.values()) {
            if (c.count === 0) continue;
            report('messages', ',"from":' + c.from + ',"to":' + c.to + ',"count":' + c.count +
                ',"bytes":' + c.bytes + ',"kept":' + c.kept);
            c.count = c.bytes = c.kept = 0;
        }
    }

    function message(c, v) {
        const now = Date.now();
        if (now - c.win >= 1000) {
            c.win = now;
            c.n = 0;
        }
        const text = json(v);
        const bytes = Buffer.byteLength(text);
        if (++c.n > RATE) {
            c.count++;
            c.bytes += bytes;
            if (timer === null) {
                timer = setTimeout(flush, 1000);
                timer.unref();
            }
            if (now - c.last < SAMPLE_MS) return;
            c.kept++;
        }
        c.last = now;
        const lead = head + ',"ev":"message","from":' + c.from + ',"to":' + c.to + ',"bytes":' +
            bytes + (c.n > RATE ? ',"sampled":true' : '');
        // A value cut to fit: its head, shorter until the line fits PIPE_BUF.
        let line = bytes <= VALUE_MAX ? lead + ',"msg":' + text + '}' : '';
        for (let keep = VALUE_MAX; line === '' || Buffer.byteLength(line) >= PIPE_BUF; keep >>= 1)
            line = lead + ',"cut":true,"head":' + JSON.stringify(text.slice(0, keep)) + '}';
        writeLine(line);
    }

    // SharedArrayBuffers in a value handed to a worker (one level of objects
    // and arrays deep, and the value itself).
    function shared(v, to, how) {
        const seen = [];
        const look = (x) => {
            if (x instanceof SharedArrayBuffer) seen.push(x);
            else if (ArrayBuffer.isView(x) && x.buffer instanceof SharedArrayBuffer) seen.push(x.buffer);
        };
        look(v);
        if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
            try {
                for (const k of Object.keys(v).slice(0, 64)) look(v[k]);
            } catch (e) { /* a proxy or a getter that throws: not looked at */ }
        }
        for (const b of seen)
            report('shared', ',"from":' + ep(pid, self) + ',"to":' + to + ',"how":"' + how +
                '","bytes":' + b.byteLength);
    }

    // ---- child processes ------------------------------------------------------------

    function argvOf(file, args, opts, shell) {
        if (!Array.isArray(args)) {
            opts = args;
            args = [];
        }
        const sh = shell || (opts && opts.shell);
        if (sh) {
            const cmd = [file].concat(args).join(' ');
            return [typeof sh === 'string' ? sh : '/bin/sh', '-c', cmd];
        }
        return [String(file)].concat(args.map(String));
    }

    // An API's error, its message cut at 512 characters (exec's holds the
    // child's stderr).
    function errorOf(e) {
        if (!e || typeof e.code !== 'string') return '';
        return ',"error":{"code":' + json(e.code.slice(0, 64)) + ',"msg":' +
            json(String(e.message).slice(0, 512)) + '}';
    }

    // An argv as JSON, its first arguments only when the whole would not fit
    // a report ("argv_cut":true).
    function argvJson(argv) {
        let a = Array.isArray(argv) ? argv.map((x) => String(x).slice(0, 1024)) : [];
        let s = json(a);
        while (Buffer.byteLength(s) > 2048 && a.length > 0) {
            a = a.slice(0, a.length >> 1);
            s = json(a);
        }
        return a.length < (Array.isArray(argv) ? argv.length : 0) ? s + ',"argv_cut":true' : s;
    }

    function ended(c, st) {
        if (st.done) return;
        st.done = true;
        report('child-exit', ',"child":' + (c.pid === undefined ? 'null' : c.pid) +
            ',"api":"' + st.api + '","code":' + (st.code === undefined ? null : st.code) +
            ',"signal":' + json(st.signal === undefined ? null : st.signal) + errorOf(st.error));
    }

    // Whether a child runs this module too: node, with the variables that
    // load it. Otherwise its messages are reported here, where they arrive.
    function tracedChild(c, opts) {
        const env = (opts && opts.env) || process.env;
        return c.spawnfile === process.execPath && env.FORKSCOPE_TRACE === fifo &&
            String(env.NODE_OPTIONS || '').includes(__filename);
    }

    function watchChild(c, api, hasCb, opts) {
        const st = { api, done: false, code: null, signal: null, error: null, hasCb };
        const kid = '{"pid":' + (c.pid === undefined ? null : c.pid) + ',"thread_id":0,"kid":true}';
        const from = typeof c.send === 'function' && !tracedChild(c, opts) ?
            channel(kid, ep(pid, self)) : null;
        report('child', ',"child":' + (c.pid === undefined ? 'null' : c.pid) + ',"api":"' + api +
            '","argv":' + argvJson(c.spawnargs));
        const emit = c.emit;
        c.emit = function (name, a, b) {
            if (name === 'exit') {
                st.code = a;
                st.signal = b;
                if (!st.hasCb) ended(c, st);
            } else if (name === 'error') {
                if (st.error === null) st.error = a;
                if (c.pid === undefined && !st.hasCb) ended(c, st);
            } else if (name === 'message' && from !== null) {
                message(from, a);
            }
            return emit.apply(this, arguments);
        };
        if (typeof c.send === 'function') {
            const send = c.send;
            const route = channel(ep(pid, self), kid);
            c.send = function (m) {
                message(route, m);
                return send.apply(this, arguments);
            };
        }
        return st;
    }

    const cp = require('child_process');
    // exec() calls the exported execFile(), Worker's postMessage a port's: only
    // the outer call is reported.
    let inner = false;

    function wrapAsync(api) {
        const orig = cp[api];
        const wrapped = function () {
            const args = Array.prototype.slice.call(arguments);
            let st = null;
            const last = args.length - 1;
            if ((api === 'exec' || api === 'execFile') && typeof args[last] === 'function') {
                const cb = args[last];
                args[last] = function (err) {
                    if (st !== null) {
                        if (err && st.error === null && typeof err.code === 'string') st.error = err;
                        ended(child, st);
                    }
                    return cb.apply(this, arguments);
                };
            }
            if (inner) return orig.apply(this, arguments);
            inner = true;
            let child;
            try {
                child = orig.apply(this, args);
            } finally {
                inner = false;
            }
            try {
                const opts = args.find((x, i) => i > 0 && x !== null && typeof x === 'object' &&
                    !Array.isArray(x));
                st = watchChild(child, api, args[last] !== arguments[last], opts);
            } catch (e) { /* never in the program's way */ }
            return child;
        };
        const props = Object.getOwnPropertyDescriptors(orig);
        delete props[util.promisify.custom];
        Object.defineProperties(wrapped, props);
        if (api === 'exec' || api === 'execFile') {
            // As Node's own: resolves {stdout, stderr}, the child on the promise.
            Object.defineProperty(wrapped, util.promisify.custom, { enumerable: false, writable: false,
                configurable: true, value: function () {
                let ok, no;
                const p = new Promise((res, rej) => { ok = res; no = rej; });
                p.child = wrapped.apply(this, Array.prototype.slice.call(arguments).concat(
                    (err, stdout, stderr) => {
                        if (err !== null) {
                            err.stdout = stdout;
                            err.stderr = stderr;
                            no(err);
                        } else {
                            ok({ stdout, stderr });
                        }
                    }));
                return p;
            } });
        }
        cp[api] = wrapped;
    }

    function wrapSync(api, shell) {
        const orig = cp[api];
        const wrapped = function (file, args, opts) {
            let ret, thrown;
            try {
                ret = orig.apply(this, arguments);
                return ret;
            } catch (e) {
                thrown = e;
                throw e;
            } finally {
                try {
                    const r = thrown || ret;
                    const argv = argvOf(file, api === 'execSync' ? [] : args,
                        api === 'execSync' ? args : opts, shell);
                    const child = r && typeof r === 'object' && typeof r.pid === 'number' ? r.pid : null;
                    report('child', ',"child":' + child + ',"api":"' + api + '","argv":' + argvJson(argv));
                    const err = thrown && typeof thrown.code === 'string' ? thrown : (r && r.error);
                    report('child-exit', ',"child":' + child + ',"api":"' + api + '","code":' +
                        (r && typeof r.status === 'number' ? r.status : null) + ',"signal":' +
                        json(r && r.signal ? r.signal : null) + errorOf(err));
                } catch (e) { /* never in the program's way */ }
            }
        };
        Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(orig));
        cp[api] = wrapped;
    }

    // What cannot be hooked in this node is said once, and the rest goes on.
    function hook(what, fn) {
        try {
            fn();
        } catch (e) {
            note('cannot hook ' + what + ' in node ' + process.version + ': ' + String(e && e.message));
        }
    }

    for (const api of ['spawn', 'exec', 'execFile', 'fork'])
        hook('child_process.' + api, () => wrapAsync(api));
    hook('child_process.spawnSync', () => wrapSync('spawnSync', false));
    hook('child_process.execSync', () => wrapSync('execSync', true));
    hook('child_process.execFileSync', () => wrapSync('execFileSync', false));

    // Whether this process's parent runs this module too: the same node, with
    // the variables that load it (its /proc entries). Otherwise what the
    // parent sends is reported here, where it arrives.
    function tracedParent() {
        try {
            const env = fs.readFileSync('/proc/' + process.ppid + '/environ', 'latin1').split('\0');
            return fs.readlinkSync('/proc/' + process.ppid + '/exe') === process.execPath &&
                env.includes('FORKSCOPE_TRACE=' + fifo) &&
                env.some((e) => e.startsWith('NODE_OPTIONS=') && e.includes(__filename));
        } catch (e) {
            return false;
        }
    }

    // This process's own channel: what it sends its parent, unless the parent
    // is forkscope (a fork task), which sees that channel itself.
    if (typeof process.send === 'function' &&
            String(process.ppid) !== process.env.FORKSCOPE_TRACE_SELF) {
        const send = process.send;
        const parent = '{"pid":' + process.ppid + ',"thread_id":0,"parent":true}';
        const route = channel(ep(pid, self), parent);
        process.send = function (m) {
            message(route, m);
            return send.apply(this, arguments);
        };
        if (!tracedParent()) {
            const from = channel(parent, ep(pid, self));
            const emit = process.emit;
            process.emit = function (name, m) {
                if (name === 'message') message(from, m);
                return emit.apply(this, arguments);
            };
        }
    }

    // ---- worker threads -------------------------------------------------------------

    // What a worker runs, as a person would name it: its file's name, or
    // "eval" for code given as a string.
    function scriptName(filename, options) {
        if (options && options.eval) return 'eval';
        const f = String(filename instanceof URL ? filename.pathname : filename);
        return f.slice(f.lastIndexOf('/') + 1).slice(0, 64);
    }

    // Whether a worker runs this module too: an env of its own (not
    // SHARE_ENV) without the variables that load it leaves it untraced.
    function tracedWorker(options) {
        const env = options && options.env;
        if (env === null || typeof env !== 'object') return true;
        return env.FORKSCOPE_TRACE === fifo && String(env.NODE_OPTIONS || '').includes(__filename);
    }
    let untracedSaid = false;

    function watchWorker(w, filename, options) {
        const id = w.threadId;
        report('thread', ',"of":' + id + ',"state":"start","script":' +
            JSON.stringify(scriptName(filename, options)));
        const to = ep(pid, id);
        const down = 'w' + id + ':down';
        if (options && options.workerData !== undefined) {
            shared(options.workerData, to, 'workerData');
            const list = Array.isArray(options.transferList) ? options.transferList : [];
            const d = walk(options.workerData).filter((p) => list.includes(p));
            if (d.length > 0) moveReport(down, 'w', 0, d);
        }
        // A worker without the tracer: what arrives from it is told here.
        const from = tracedWorker(options) ? null : channel(to, ep(pid, self));
        if (from !== null && !untracedSaid) {
            untracedSaid = true;
            note('worker ' + id + ' runs without the tracer (an env of its own): what it sends is ' +
                'reported where it arrives, the rest of it is not seen');
        }
        const post = w.postMessage;
        const route = channel(ep(pid, self), to);
        w.postMessage = function (m, list) {
            message(route, m);
            shared(m, to, 'postMessage');
            let u = null;
            try {
                u = sending(w, down, m, list, false);
            } catch (e) { /* never in the program's way */ }
            inner = true;
            try {
                return posting(post, this, arguments, u);
            } finally {
                inner = false;
            }
        };
        const emit = w.emit;
        const up = 'w' + id + ':up';
        w.emit = function (name, a) {
            if (name === 'exit')
                report('thread', ',"of":' + id + ',"state":"exit","code":' +
                    (typeof a === 'number' ? a : null));
            else if (name === 'error')
                report('thread', ',"of":' + id + ',"state":"error","error":{"name":' +
                    json(a && a.name) + ',"msg":' + json(String(a && a.message)) + '}');
            else if (name === 'message') {
                try {
                    if (from !== null) message(from, a);
                    arrived(w, up, a, undefined);
                } catch (e) { /* never in the program's way */ }
            }
            return emit.apply(this, arguments);
        };
    }

    hook('worker_threads.Worker', () => {
        const Base = wt.Worker;
        class Worker extends Base {
            constructor(filename, options) {
                super(filename, options);
                try {
                    watchWorker(this, filename, options);
                } catch (e) { /* never in the program's way */ }
            }
        }
        wt.Worker = Worker;
    });

    // ---- ports (doc/tracing.md, "Ports handed over"). Every port end this
    // module knows has a name local to its thread: "T.C.1" and "T.C.2" for the
    // ends of the C-th MessageChannel made in thread T, "T.aC" for one that
    // arrived in a message. A sender says which ends a message moves and on
    // which link ("wN:down" to worker N, "wN:up" from it, "p:NAME" over a
    // port) as the n-th port-carrying message of that link and kind ("d":
    // ports in the data, in the order of a walk of it, "t": those only in the
    // transfer list, "w": a worker's workerData); the receiver names an arrived
    // end after the same (link, kind, n, index). forkscope keeps the table
    // and tells who holds the far end of a port a message is posted on.
    const MPort = wt.MessagePort;
    const names = new WeakMap();
    const counts = new WeakMap(); // a port, Worker or parentPort -> its counters
    let seq = 0;
    const toPort = (name) => '{"pid":' + pid + ',"thread_id":null,"port":true' +
        (name === undefined ? '' : ',"end":' + JSON.stringify(name)) + '}';
    if (wt.parentPort) names.set(wt.parentPort, null);

    // The ports in a value, in the order of a walk that a structured clone
    // keeps (so that sender and receiver find the same): depth 8, 256 objects.
    const none = [];
    let walkOut = none;
    let walkSeen = null;
    let walkBudget = 0;
    function walkIn(x, depth) {
        if (x === null || typeof x !== 'object' || walkBudget <= 0) return;
        if (walkSeen === null) walkSeen = new Set();
        else if (walkSeen.has(x)) return;
        walkBudget--;
        walkSeen.add(x);
        if (x instanceof MPort) {
            if (walkOut === none) walkOut = [];
            walkOut.push(x);
        } else if (depth < 8 && !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer)) {
            if (x instanceof Map) {
                for (const [k, y] of x) {
                    walkIn(k, depth + 1);
                    walkIn(y, depth + 1);
                }
            } else if (x instanceof Set) {
                for (const y of x) walkIn(y, depth + 1);
            } else if (Array.isArray(x)) {
                for (let i = 0; i < x.length && walkBudget > 0; i++) walkIn(x[i], depth + 1);
            } else {
                for (const k in x)
                    if (Object.prototype.hasOwnProperty.call(x, k)) walkIn(x[k], depth + 1);
            }
        }
    }
    function walk(v) {
        if (v === null || typeof v !== 'object') return none;
        // A getter in the value may post (and walk) in turn.
        const outer = [walkOut, walkSeen, walkBudget];
        walkOut = none;
        walkSeen = null;
        walkBudget = 256;
        try {
            walkIn(v, 0);
        } catch (e) { /* a getter that throws: the clone throws too */ }
        const out = walkOut;
        [walkOut, walkSeen, walkBudget] = outer;
        return out;
    }

    function counter(o) {
        let c = counts.get(o);
        if (c === undefined) {
            c = { d: 0, t: 0, rd: 0, rt: 0 };
            counts.set(o, c);
        }
        return c;
    }

    function moveReport(via, k, n, list) {
        report('port-move', ',"via":' + JSON.stringify(via) + ',"k":"' + k + '","n":' + n +
            ',"ends":' + json(list.slice(0, 64).map((p) => names.get(p) || null)));
    }

    // A sender's message on link `via` (owner: the object counting it) with
    // transfer list `list`: the ends it moves, said before it leaves. A
    // receiver that is a Worker object sees the data only (dataOnly). Returns
    // what to undo should the post throw (a value that cannot be cloned), or
    // null.
    function sending(owner, via, m, list, dataOnly) {
        if (list && !Array.isArray(list)) list = list.transfer;
        if (!Array.isArray(list) || via === null) return null;
        const moved = list.filter((p) => p instanceof MPort);
        if (moved.length === 0) return null;
        const d = walk(m).filter((p) => moved.includes(p));
        const t = dataOnly ? [] : moved.filter((p) => !d.includes(p));
        const c = counter(owner);
        if (d.length > 0) moveReport(via, 'd', c.d++, d);
        if (t.length > 0) moveReport(via, 't', c.t++, t);
        return { c, d, t };
    }

    // A post that threw moved nothing: the counts go back, the ends stay here.
    function unsend(u) {
        if (u === null) return;
        if (u.d.length > 0) u.c.d--;
        if (u.t.length > 0) u.c.t--;
        report('port-stay', ',"ends":' + json(u.d.concat(u.t).slice(0, 64).map((p) => names.get(p) || null)));
    }

    // The real post, undone in the table when it throws.
    function posting(post, port, args, u) {
        if (u === null) return post.apply(port, args);
        try {
            return post.apply(port, args);
        } catch (e) {
            try {
                unsend(u);
            } catch (e2) { /* never in the program's way */ }
            throw e;
        }
    }

    function arrive(via, k, n, list) {
        list.slice(0, 64).forEach((p, i) => {
            if (names.has(p)) return;
            const as = self + '.a' + ++seq;
            names.set(p, as);
            report('port-in', ',"via":' + JSON.stringify(via) + ',"k":"' + k + '","n":' + n +
                ',"i":' + i + ',"as":"' + as + '"');
        });
    }

    // A message that arrived on link `via` (owner counts it): its data as the
    // program gets it and, for an event listener, its event (whose ports
    // hold those of the transfer list too). One message seen by several
    // listeners counts once.
    const walked = new WeakMap(); // data -> its ports
    const evSeen = new WeakSet();
    function arrived(owner, via, data, ev) {
        if (via === null) return;
        // Only a message with ports is remembered (another listener walks
        // one without again, finding none).
        let d = none;
        if (data !== null && typeof data === 'object') {
            d = walked.get(data);
            if (d === undefined) {
                d = walk(data);
                if (d.length > 0) {
                    walked.set(data, d);
                    arrive(via, 'd', counter(owner).rd++, d);
                }
            }
        }
        if (ev !== undefined && !evSeen.has(ev) && Array.isArray(ev.ports) && ev.ports.length > d.length) {
            evSeen.add(ev);
            const t = ev.ports.filter((p) => !d.includes(p));
            if (t.length > 0) arrive(via, 't', counter(owner).rt++, t);
        }
    }

    // Where a port's messages go, as its sender names the link, and where
    // they come from, as its receiver does.
    function sendLink(port) {
        if (port === wt.parentPort) return 'w' + self + ':up';
        const n = names.get(port);
        return typeof n === 'string' ? 'p:' + n : null;
    }
    function recvLink(port) {
        if (port === wt.parentPort) return 'w' + self + ':down';
        const n = names.get(port);
        return typeof n === 'string' ? 'p:' + n : null;
    }

    // The program's message listeners on ports (on, once, onmessage and
    // addEventListener all come here in node 18 to 22), each wrapped once so
    // that removing it still works.
    const wrappers = new WeakMap();
    function wrapperOf(l) {
        let w = wrappers.get(l);
        if (w === undefined) {
            w = function (x) {
                try {
                    if (x instanceof Event && x.type === 'message') arrived(this, recvLink(this), x.data, x);
                    else arrived(this, recvLink(this), x, undefined);
                } catch (e) { /* never in the program's way */ }
                return typeof l === 'function' ? l.apply(this, arguments) : l.handleEvent(x);
            };
            wrappers.set(l, w);
        }
        return w;
    }
    if (!wt.isMainThread && wt.workerData !== null && typeof wt.workerData === 'object')
        arrive('w' + self + ':down', 'w', 0, walk(wt.workerData));

    hook('MessagePort listeners', () => {
        const MP = MPort.prototype;
        const add = MP.addEventListener;
        const remove = MP.removeEventListener;
        if (typeof add !== 'function' || typeof remove !== 'function' || typeof Event !== 'function')
            throw new Error('no addEventListener');
        const ok = (type, l) => type === 'message' && l !== null &&
            (typeof l === 'function' || (typeof l === 'object' && typeof l.handleEvent === 'function'));
        MP.addEventListener = function (type, l) {
            if (!ok(type, l)) return add.apply(this, arguments);
            const args = Array.prototype.slice.call(arguments);
            args[1] = wrapperOf(l);
            return add.apply(this, args);
        };
        MP.removeEventListener = function (type, l) {
            if (!ok(type, l) || !wrappers.has(l)) return remove.apply(this, arguments);
            const args = Array.prototype.slice.call(arguments);
            args[1] = wrappers.get(l);
            return remove.apply(this, args);
        };
        const receive = wt.receiveMessageOnPort;
        if (typeof receive === 'function') {
            wt.receiveMessageOnPort = function (port) {
                const r = receive.apply(this, arguments);
                try {
                    if (r !== undefined) arrived(port, recvLink(port), r.message, undefined);
                } catch (e) { /* never in the program's way */ }
                return r;
            };
        }
    });

    hook('worker_threads.MessageChannel', () => {
        const BaseMC = wt.MessageChannel;
        class MessageChannel extends BaseMC {
            constructor() {
                super();
                const base = self + '.' + ++seq;
                names.set(this.port1, base + '.1');
                names.set(this.port2, base + '.2');
            }
        }
        wt.MessageChannel = MessageChannel;
        if (globalThis.MessageChannel === BaseMC) globalThis.MessageChannel = MessageChannel;
    });
    const MP = MPort && MPort.prototype;
    if (MP && typeof MP.postMessage === 'function') {
        const post = MP.postMessage;
        const from = ep(pid, self);
        MP.postMessage = function (m, list) {
            let u = null;
            if (!inner) {
                try {
                    const name = names.get(this);
                    if (name !== undefined) {
                        const to = toPort(name === null ? 'w' + self + ':up' : name);
                        u = sending(this, sendLink(this), m, list, name === null);
                        message(channel(from, to), m);
                        shared(m, to, 'postMessage');
                    }
                } catch (e) { /* never in the program's way */ }
            }
            return posting(post, this, arguments, u);
        };
    } else {
        note('MessagePort.postMessage cannot be hooked in node ' + process.version);
    }

    try {
        require('module').syncBuiltinESMExports();
    } catch (e) {
        note('ES module imports of child_process are not traced in node ' + process.version);
    }

    // A worker says who it is: its threadId and the OS thread running it.
    if (!wt.isMainThread) {
        let tid = null;
        try {
            tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
        } catch (e) { /* no /proc: the tid stays unknown */ }
        report('thread', ',"of":' + self + ',"state":"online","tid":' + tid);
    }

    process.on('exit', () => {
        flush();
        if (lost > 0) report('note', ',"what":"reports lost on a full channel","lost":' + lost);
    });
})();

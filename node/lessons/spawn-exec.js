// Lesson: four ways to start a program, and how each one fails.
//
// spawn()    streams the child's output as it comes (here `ls`).
// exec()     runs a command line in a shell and hands you all of its output at
//            the end, buffered; past maxBuffer bytes the child is killed and
//            the callback gets ERR_CHILD_PROCESS_STDIO_MAXBUFFER.
// execFile() runs a program directly, no shell: a missing program is an
//            error (ENOENT), a program that fails gives its exit code.
// Each step starts a second after the one before has ended, so the output
// reads in order.
'use strict';
const { spawn, exec, execFile } = require('child_process');

function step1() {
    console.log('1. spawn("ls", ["-l", "/"]): its output streams in');
    const ls = spawn('ls', ['-l', '/']);
    let lines = 0;
    ls.stdout.on('data', (chunk) => { lines += chunk.toString().split('\n').length - 1; });
    ls.on('close', (code) => {
        console.log(`   ls exited with code ${code} after ${lines} lines`);
        setTimeout(step2, 1000);
    });
}

function step2() {
    console.log('2. exec("seq 1 100000", { maxBuffer: 1024 }): too much output');
    exec('seq 1 100000', { maxBuffer: 1024 }, (err, stdout) => {
        if (err)
            console.log(`   error ${err.code}: ${err.message} (kept ${stdout.length} bytes)`);
        else
            console.log('   unexpected: no error');
        setTimeout(step3, 1000);
    });
}

function step3() {
    console.log('3. execFile("no-such-program-here"): there is no such program');
    execFile('no-such-program-here', [], (err) => {
        console.log(`   error ${err && err.code}: ${err && err.message}`);
        setTimeout(step4, 1000);
    });
}

function step4() {
    console.log('4. execFile("sh", ["-c", "exit 3"]): the program fails');
    execFile('sh', ['-c', 'exit 3'], (err) => {
        console.log(`   error: the exit code is ${err && err.code}`);
    });
}

step1();

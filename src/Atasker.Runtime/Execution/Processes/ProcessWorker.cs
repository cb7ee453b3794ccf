using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Pipes;
using System.Security.Cryptography;
using System.Threading;

namespace Atasker;

/// <summary>What a worker process's parent side reports to its pool, on the worker's own threads.</summary>
internal interface IProcessWorkerOwner
{
    /// <summary>The task's reply arrived (on the worker's reader thread).</summary>
    void OnReply(ProcessWorker worker, ProcessWorker.Assignment assignment, ProcessFrame frame);

    /// <summary>The worker is gone (its pipe ended or broke). <paramref name="assignment"/> is the task it had, if any;
    /// <paramref name="delivered"/> says whether its Run frame had been written (it may have run) or not (it never
    /// reached the worker and may run elsewhere).</summary>
    void OnLost(ProcessWorker worker, ProcessWorker.Assignment? assignment, bool delivered, string reason, Exception cause);
}

/// <summary>
/// The parent's side of one worker process: the child, and a dedicated duplex pipe to it (stdout and stderr stay the
/// child's own, so a body may print). One task at a time. A writer thread sends the frames (so a large argument never
/// blocks the thread that submitted it; a small Run frame given while the writer is idle is written by the thread that
/// gives it, see <see cref="Run"/>), a reader thread blocks on the pipe and reports each reply; neither needs the .NET
/// ThreadPool. The end of the pipe is how each side learns that the other died.
/// </summary>
internal sealed partial class ProcessWorker
{
    public const string PipeVariable = "ATASKER_PROCESS_WORKER";
    private const string StartupHooksVariable = "DOTNET_STARTUP_HOOKS";

    /// <summary>Arguments up to this size are written by the thread that gives the task, when the writer is idle.</summary>
    private const int InlineArgumentBytes = 4096;

    /// <summary>How long a closed worker has to exit before it is killed.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly Stream _pipe;
    private readonly IProcessWorkerOwner _owner;
    private readonly object _gate = new();

    // Guarded by _gate. The task the worker has (one at most), how far its Run frame got, the cancels to send, and
    // why the pipe ended (null while it works).
    private Assignment? _assignment;
    private Delivery _delivery;
    private readonly Queue<long> _cancels = new();
    private bool _writing; // a frame is being written: by the writer thread, or by the thread that gave the task (see Run)
    private string? _lostReason;
    private Exception? _lostCause;
    private int _killed;
    private int _closed;
    private long _served;

    private ProcessWorker(Process process, Stream pipe, IProcessWorkerOwner owner)
    {
        _process = process;
        _pipe = pipe;
        _owner = owner;
        ProcessId = process.Id;
        new Thread(ReadReplies) { IsBackground = true, Name = $"Atasker worker {ProcessId} reader" }.UnsafeStart();
        new Thread(WriteFrames) { IsBackground = true, Name = $"Atasker worker {ProcessId} writer" }.UnsafeStart();
    }

    private enum Delivery
    {
        None,
        Queued,
        Writing,
        Delivered,
    }

    public int ProcessId { get; }

    /// <summary>When the worker was started, in ticks of the supervisor's clock.</summary>
    public long StartedTicks { get; init; }

    /// <summary>Tasks the worker has answered (completed, faulted or canceled there).</summary>
    public long TasksServed => Volatile.Read(ref _served);

    /// <summary>Counts one answered task (called by the owner as it takes the reply).</summary>
    public void Served() => Interlocked.Increment(ref _served);

    /// <summary>For tests: called on the writer thread after a Run frame was written, with the task's handle, before
    /// the writer marks it delivered (the moment a fast reply can overtake it).</summary>
    internal static Action<ProcessWorker, TaskHandle>? RunWritten { get; set; }

    /// <summary>For tests: called on the thread that gives a task, before it writes the task's small Run frame itself
    /// (see <see cref="Run"/>).</summary>
    internal static Action<ProcessWorker, TaskHandle>? RunWriting { get; set; }

    /// <summary>Whether a Cancel frame waits for the writer (for tests).</summary>
    internal bool HasQueuedCancel
    {
        get
        {
            lock (_gate)
            {
                return _cancels.Count > 0;
            }
        }
    }

    /// <summary>Whether a task was given to the worker and its Run frame waits for the writer (for tests).</summary>
    internal bool HasQueuedRun
    {
        get
        {
            lock (_gate)
            {
                return _delivery == Delivery.Queued;
            }
        }
    }

    /// <summary>Whether the worker's pipe has ended or broken (it takes no more tasks).</summary>
    public bool IsLost
    {
        get
        {
            lock (_gate)
            {
                return _lostReason is not null;
            }
        }
    }

    /// <summary>Gives the worker a task: its writer thread sends it. If the worker is lost before the frame is written,
    /// the owner hears of it (not delivered) and may send the task elsewhere.</summary>
    public void Run(Assignment assignment)
    {
        bool inline = false;
        lock (_gate)
        {
            if (_assignment is not null)
            {
                throw new InvalidOperationException($"Worker process {ProcessId} already runs task {_assignment.Task.Handle.Id}.");
            }

            if (_lostReason is null)
            {
                _assignment = assignment;

                // A cancel asked before the task was given here went out ahead of it (and was ignored): the worker
                // gets it again, after the task's Run frame.
                if (assignment.Task.Handle.IsCancellationRequested)
                {
                    _cancels.Enqueue(assignment.Task.Handle.Id);
                }

                inline = _writing = CanWriteInline(assignment);
                _delivery = inline ? Delivery.Writing : Delivery.Queued;
                if (!inline)
                {
                    Monitor.PulseAll(_gate);
                    return; // the writer thread sends it
                }
            }
        }

        if (!inline)
        {
            _owner.OnLost(this, assignment, delivered: false, _lostReason!, _lostCause!);
            return;
        }

        // Written here, saving the hand-over to the writer thread (a thread wake-up in every round trip): the worker
        // reads each frame as it comes, one task at a time, so a small frame fits the socket's buffer and the write
        // returns at once.
        RunWriting?.Invoke(this, assignment.Task.Handle);
        if (TryWrite(assignment, cancel: 0))
        {
            _ = MarkDelivered(assignment);
        }
    }

    /// <summary>Asks the worker to signal the running task's token; ignored once the worker is gone.</summary>
    public void RequestCancel(long taskId)
    {
        lock (_gate)
        {
            if (_lostReason is null)
            {
                _cancels.Enqueue(taskId);
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Ends the worker at once (its running task, if any, then fails).</summary>
    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 0)
        {
            Kill(_process);
        }
    }

    /// <summary>Closes the pipe (the worker sees the end and exits) without waiting: a worker still alive after a grace
    /// period is killed then, on <paramref name="clock"/>.</summary>
    public void Close(SupervisorClock clock)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return; // the writer and the reader may both report the end
        }

        lock (_gate)
        {
            _lostReason ??= $"Worker process {ProcessId} was closed.";
            _lostCause ??= new ObjectDisposedException(nameof(ProcessWorker));
            Monitor.PulseAll(_gate); // the writer leaves
        }

        try
        {
            _pipe.Dispose();
        }
        catch (IOException)
        {
            // A broken pipe cannot be flushed; it is closed all the same.
        }

        clock.After(ExitGrace, () =>
        {
            if (!_process.WaitForExit(0))
            {
                Kill();
            }

            _process.Dispose();
        });
    }

    /// <summary>The worker is gone: the task it had, if any, goes back to the owner (delivered or not), and the writer
    /// leaves. A Run frame being written is left to the writer, which knows whether it got through.</summary>
    /// <param name="reason">How the worker ended, for the task's failure.</param>
    /// <param name="cause">The error that showed it.</param>
    /// <param name="byWriter">Whether the writer failed to write (then a frame it was writing did not get through).</param>
    private void Lose(string reason, Exception cause, bool byWriter)
    {
        Assignment? assignment;
        bool delivered;
        lock (_gate)
        {
            if (_lostReason is null)
            {
                _lostReason = reason;
                _lostCause = cause;
            }

            assignment = _assignment;
            delivered = _delivery == Delivery.Delivered;
            if (assignment is not null && _delivery == Delivery.Writing && !byWriter)
            {
                assignment = null; // the writer decides
            }
            else
            {
                _assignment = null;
            }

            Monitor.PulseAll(_gate);
        }

        _owner.OnLost(this, assignment, delivered, _lostReason!, _lostCause!);
    }

    /// <summary>The reader thread: hands each reply to the owner; when the pipe ends or breaks, reports the worker lost
    /// with how it ended, and stops.</summary>
    private void ReadReplies()
    {
        Exception? failure;
        try
        {
            while (ProcessFrames.Read(_pipe) is { } frame)
            {
                Assignment? assignment;
                lock (_gate)
                {
                    assignment = _assignment;
                    bool expected = assignment is not null && frame.TaskId == assignment.Task.Handle.Id
                        && frame.Kind is ProcessFrameKind.Result or ProcessFrameKind.Fault or ProcessFrameKind.Canceled or ProcessFrameKind.Error;
                    if (!expected)
                    {
                        throw new ProcessProtocolException($"Worker process {ProcessId} sent an unexpected {frame.Kind} frame for task {frame.TaskId} while running task {assignment?.Task.Handle.Id ?? 0}.");
                    }

                    _assignment = null;
                    _delivery = Delivery.None;
                }

                _owner.OnReply(this, assignment!, frame);
            }

            failure = null;
        }
        catch (ProcessProtocolException error)
        {
            Kill();
            failure = error;
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            failure = error;
        }

        string name;
        lock (_gate)
        {
            name = _assignment?.Task.Handle.Name ?? "";
        }

        string reason = failure is ProcessProtocolException
            ? $"Worker process {ProcessId} broke the protocol while running '{name}': {failure.Message}"
            : DescribeExit(name);
        Lose(reason, failure ?? new EndOfStreamException("The worker closed its pipe."), byWriter: false);
    }

    private string DescribeExit(string taskName)
    {
        string running = taskName.Length > 0 ? $" while running '{taskName}'" : " while idle";
        if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            Kill();
            return $"Worker process {ProcessId} closed its pipe{running} and was killed.";
        }

        return Volatile.Read(ref _killed) != 0
            ? $"Worker process {ProcessId} was stopped{running}."
            : $"Worker process {ProcessId} exited with code {_process.ExitCode}{running}.";
    }

    /// <summary>A task given to a worker, with how many workers it was given to before (a worker lost before its Run
    /// frame was written does not count against the task, but the tries are bounded).</summary>
    internal sealed class Assignment(IProcessTask task, int attempt)
    {
        public IProcessTask Task { get; } = task;

        public int Attempt { get; } = attempt;
    }
}

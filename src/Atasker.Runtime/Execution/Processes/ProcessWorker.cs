using System;
using System.Diagnostics;
using System.IO;
using System.IO.Pipes;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// The parent's side of one worker process: the child, and a dedicated duplex pipe to it (stdout and stderr stay the
/// child's own, so a body may print). One task at a time. Writes are blocking and serialized; a dedicated reader
/// thread blocks on the pipe and completes the pending task's reply itself, so a round trip costs no thread-pool hop.
/// The end of the pipe is how each side learns that the other died.
/// </summary>
internal sealed class ProcessWorker
{
    public const string PipeVariable = "ATASKER_PROCESS_WORKER";
    private const string StartupHooksVariable = "DOTNET_STARTUP_HOOKS";

    /// <summary>How long a closed worker has to exit before it is killed.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly NamedPipeServerStream _pipe;
    private readonly object _writeGate = new();
    private readonly object _gate = new();

    // The task in flight and its reply, guarded by _gate; _broken is set once the pipe has ended or failed.
    private TaskCompletionSource<ProcessFrame>? _pending;
    private long _pendingId;
    private string _pendingName = "";
    private Exception? _broken;
    private int _killed;

    private ProcessWorker(Process process, NamedPipeServerStream pipe)
    {
        _process = process;
        _pipe = pipe;
        ProcessId = process.Id;
        new Thread(ReadReplies) { IsBackground = true, Name = $"Atasker worker {ProcessId} reader" }.Start();
    }

    public int ProcessId { get; }

    /// <summary>Starts a worker and waits for its hello; any failure is a <see cref="ProcessWorkerException"/>, within
    /// <paramref name="timeout"/> at most.</summary>
    public static async Task<ProcessWorker> StartAsync(ProcessWorkerCommand command, TimeSpan timeout, SupervisorClock clock)
    {
        string name = $"atasker-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        Process? process = null;

        // The start's deadline runs on the supervisor's clock. The source is never disposed: a late expiry may still
        // cancel it harmlessly.
        var deadline = new CancellationTokenSource();
        var expiry = clock.CancelAfter(deadline, timeout);
        try
        {
            process = Process.Start(CreateStartInfo(command, name))
                ?? throw new ProcessWorkerException($"The worker process '{command}' did not start.");
            var connected = pipe.WaitForConnectionAsync(deadline.Token);
            var exited = process.WaitForExitAsync(deadline.Token);
            if (await Task.WhenAny(connected, exited).ConfigureAwait(false) == exited && !connected.IsCompletedSuccessfully)
            {
                throw new ProcessWorkerException(process.HasExited
                    ? $"The worker process '{command}' exited with code {process.ExitCode} before connecting; its error output, if any, is above."
                    : $"The worker process '{command}' did not connect within {timeout}.");
            }

            await connected.ConfigureAwait(false);
            var hello = await ProcessFrames.ReadAsync(pipe, deadline.Token).ConfigureAwait(false);
            if (hello is not { Kind: ProcessFrameKind.Hello } frame)
            {
                throw new ProcessWorkerException($"The worker process '{command}' did not greet (it is not an Atasker worker, or it exited).");
            }

            int version = new ProcessReader(frame.Payload).ReadInt32();
            if (version != ProcessFrames.ProtocolVersion)
            {
                throw new ProcessWorkerException($"The worker process '{command}' speaks protocol {version}, this app {ProcessFrames.ProtocolVersion}: rebuild both with the same Atasker.");
            }

            return new ProcessWorker(process, pipe);
        }
        catch (Exception error)
        {
            Kill(process);
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw error is ProcessWorkerException ? error : new ProcessWorkerException($"The worker process '{command}' could not be started: {error.Message}", error);
        }
        finally
        {
            expiry.Disarm();
        }
    }

    /// <summary>Sends a task; the returned task ends with the frame that ends it (Result, Fault, Canceled or Error),
    /// or with <see cref="ProcessWorkerException"/> when the worker dies or breaks the protocol meanwhile.</summary>
    public Task<ProcessFrame> RunAsync(long taskId, string taskName, ulong methodId, byte[] arguments)
    {
        // Continuations run on the reader thread when the reply arrives: the executor's few steps, then back to reading.
        var reply = new TaskCompletionSource<ProcessFrame>();
        lock (_gate)
        {
            if (_broken is not null)
            {
                return Task.FromException<ProcessFrame>(new ProcessWorkerException($"Worker process {ProcessId} is no longer usable.", _broken));
            }

            _pending = reply;
            _pendingId = taskId;
            _pendingName = taskName;
        }

        try
        {
            Send(new ProcessFrame(ProcessFrameKind.Run, taskId, RemoteTaskRequest.EncodeBody(methodId, arguments)));
        }
        catch (IOException)
        {
            // The reader thread sees the pipe end too and fails the pending reply with the exit code.
        }

        return reply.Task;
    }

    /// <summary>Asks the worker to signal the running task's token; a failure to ask is ignored (the task ends anyway).</summary>
    public void RequestCancel(long taskId)
    {
        try
        {
            Send(new ProcessFrame(ProcessFrameKind.Cancel, taskId, ReadOnlyMemory<byte>.Empty));
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // The worker is gone; its task fails on its own.
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


    private void Send(ProcessFrame frame)
    {
        lock (_writeGate)
        {
            ProcessFrames.Write(_pipe, frame);
        }
    }

    private static ProcessStartInfo CreateStartInfo(ProcessWorkerCommand command, string pipeName)
    {
        var info = new ProcessStartInfo(command.FileName) { UseShellExecute = false };
        foreach (string argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[PipeVariable] = pipeName;

        // A worker on the JIT enters through a startup hook in its own Atasker.dll: it runs before Main, outside any
        // type initializer. A NativeAOT worker enters from the generated module initializer instead.
        if (command.StartupHookAssembly is { Length: > 0 } hook)
        {
            info.Environment[StartupHooksVariable] = info.Environment.TryGetValue(StartupHooksVariable, out var existing) && !string.IsNullOrEmpty(existing)
                ? existing + Path.PathSeparator + hook
                : hook;
        }

        return info;
    }

    private static void Kill(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The reader thread: hands each reply to the pending task; when the pipe ends or breaks, fails the
    /// pending task with how the worker ended, and stops.</summary>
    private void ReadReplies()
    {
        Exception? failure;
        try
        {
            while (ProcessFrames.Read(_pipe) is { } frame)
            {
                TaskCompletionSource<ProcessFrame>? reply;
                lock (_gate)
                {
                    bool expected = frame.TaskId == _pendingId && frame.Kind is ProcessFrameKind.Result or ProcessFrameKind.Fault or ProcessFrameKind.Canceled or ProcessFrameKind.Error;
                    if (!expected)
                    {
                        throw new ProcessProtocolException($"Worker process {ProcessId} sent an unexpected {frame.Kind} frame for task {frame.TaskId} while running task {_pendingId}.");
                    }

                    reply = _pending;
                    _pending = null;
                    _pendingId = 0;
                }

                reply?.TrySetResult(frame);
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

        TaskCompletionSource<ProcessFrame>? orphan;
        string name;
        lock (_gate)
        {
            _broken = failure ?? new EndOfStreamException("The worker closed its pipe.");
            orphan = _pending;
            name = _pendingName;
            _pending = null;
        }

        if (orphan is not null)
        {
            string message = failure is ProcessProtocolException
                ? $"Worker process {ProcessId} broke the protocol while running '{name}': {failure.Message}"
                : DescribeExit(name);
            orphan.TrySetException(new ProcessWorkerException(message, _broken));
        }
    }

    private string DescribeExit(string taskName)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            Kill();
            return $"Worker process {ProcessId} closed its pipe while running '{taskName}' and was killed.";
        }

        return Volatile.Read(ref _killed) != 0
            ? $"Worker process {ProcessId} was stopped while running '{taskName}'."
            : $"Worker process {ProcessId} exited with code {_process.ExitCode} while running '{taskName}'.";
    }
}

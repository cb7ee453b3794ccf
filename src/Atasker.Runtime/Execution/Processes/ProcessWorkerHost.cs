using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.IO.Pipes;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// The worker side of the process pool. Generated code registers each assembly's <see cref="ProcessDispatcher"/>;
/// when the process was started as a worker, <see cref="Run"/> serves tasks from the parent until the parent closes
/// the pipe (or dies), then the process exits. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProcessWorkerHost
{
    private static readonly List<ProcessDispatcher> s_dispatchers = [];

    /// <summary>True when this process was started as a worker of a supervisor's process pool.</summary>
    public static bool IsWorkerProcess => Environment.GetEnvironmentVariable(ProcessWorker.PipeVariable) is { Length: > 0 };

    /// <summary>Registers an assembly's process tasks (generated module initializers call this).</summary>
    public static void Register(ProcessDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        lock (s_dispatchers)
        {
            if (!s_dispatchers.Contains(dispatcher))
            {
                s_dispatchers.Add(dispatcher);
            }
        }
    }

    /// <summary>
    /// Called last by the module initializer generated into executables: under NativeAOT, a worker process serves
    /// its parent here and exits, before Main. On the JIT this returns at once: blocking inside a module initializer
    /// would deadlock there, so a startup hook serves instead (see <c>StartupHook</c>).
    /// </summary>
    public static void RunIfNativeAotWorker()
    {
        if (NativeAot.IsActive && IsWorkerProcess)
        {
            Environment.Exit(Run());
        }
    }

    /// <summary>Serves the parent until it closes the pipe; returns the process exit code.</summary>
    internal static int Run()
    {
        string pipeName = Environment.GetEnvironmentVariable(ProcessWorker.PipeVariable)!;
        using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
        try
        {
            pipe.Connect(TimeSpan.FromSeconds(30));
            return ServeAsync(pipe).GetAwaiter().GetResult();
        }
        catch (Exception error) when (error is IOException or TimeoutException or ProcessProtocolException)
        {
            Console.Error.WriteLine($"Atasker worker process {Environment.ProcessId}: {error.Message}");
            return 3;
        }
    }

    private static async Task<int> ServeAsync(Stream pipe)
    {
        using var writeLock = new SemaphoreSlim(1, 1);
        async Task SendAsync(ProcessFrame frame)
        {
            await writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await ProcessFrames.WriteAsync(pipe, frame).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }

        var hello = new ProcessWriter();
        hello.WriteInt32(ProcessFrames.ProtocolVersion);
        hello.WriteInt32(Environment.ProcessId);
        await SendAsync(new ProcessFrame(ProcessFrameKind.Hello, 0, hello.ToArray())).ConfigureAwait(false);

        long runningId = 0;
        CancellationTokenSource? running = null;
        while (await ProcessFrames.ReadAsync(pipe).ConfigureAwait(false) is { } frame)
        {
            switch (frame.Kind)
            {
                case ProcessFrameKind.Run:
                    var cancellation = new CancellationTokenSource();
                    Volatile.Write(ref running, cancellation);
                    Volatile.Write(ref runningId, frame.TaskId);

                    // On its own thread: the body may block, and cancel frames must still be read meanwhile.
                    _ = Task.Factory.StartNew(
                        async () =>
                        {
                            var reply = Execute(frame, cancellation.Token);
                            Volatile.Write(ref runningId, 0);
                            cancellation.Dispose();
                            await SendAsync(reply).ConfigureAwait(false);
                        },
                        CancellationToken.None,
                        TaskCreationOptions.LongRunning,
                        TaskScheduler.Default).Unwrap();
                    break;
                case ProcessFrameKind.Cancel:
                    if (Volatile.Read(ref runningId) == frame.TaskId)
                    {
                        try
                        {
                            Volatile.Read(ref running)?.Cancel();
                        }
                        catch (ObjectDisposedException)
                        {
                            // The task ended just now.
                        }
                    }

                    break;
                default:
                    throw new ProcessProtocolException($"A worker does not expect {frame.Kind} frames.");
            }
        }

        return 0; // The parent closed the pipe, or died.
    }

    /// <summary>Runs one task and returns the frame that reports how it ended.</summary>
    private static ProcessFrame Execute(ProcessFrame request, CancellationToken cancellationToken)
    {
        var result = new ProcessWriter();
        ulong methodId = 0;
        try
        {
            var envelope = new ProcessReader(request.Payload);
            methodId = envelope.ReadUInt64();
            var arguments = new ProcessReader(envelope.ReadBytes() ?? []);
            ProcessDispatcher[] dispatchers;
            lock (s_dispatchers)
            {
                dispatchers = [.. s_dispatchers];
            }

            foreach (var dispatch in dispatchers)
            {
                if (dispatch(methodId, arguments, result, cancellationToken))
                {
                    return new ProcessFrame(ProcessFrameKind.Result, request.TaskId, result.ToArray());
                }
            }

            return Error(request.TaskId, $"Worker process {Environment.ProcessId} ({Environment.ProcessPath}) has no process task with id 0x{methodId:x16}: it was built from other code than the app that sent the task.");
        }
        catch (ProcessProtocolException error)
        {
            return Error(request.TaskId, $"Worker process {Environment.ProcessId} could not decode the arguments of task 0x{methodId:x16}: {error.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ProcessFrame(ProcessFrameKind.Canceled, request.TaskId, ReadOnlyMemory<byte>.Empty);
        }
#pragma warning disable CA1031 // Whatever the body threw goes back to the parent, which owns the task's handle.
        catch (Exception error)
#pragma warning restore CA1031
        {
            var fault = new ProcessWriter();
            fault.WriteString(error.GetType().FullName ?? error.GetType().Name);
            fault.WriteString(error.Message);
            fault.WriteString(error.StackTrace ?? "");
            return new ProcessFrame(ProcessFrameKind.Fault, request.TaskId, fault.ToArray());
        }
    }

    private static ProcessFrame Error(long taskId, string message)
    {
        var payload = new ProcessWriter();
        payload.WriteString(message);
        return new ProcessFrame(ProcessFrameKind.Error, taskId, payload.ToArray());
    }
}

using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Threading;

namespace Atasker.CompilerServices;

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
        string address = Environment.GetEnvironmentVariable(ProcessWorker.PipeVariable)!;
        try
        {
            using var pipe = ProcessChannel.Connect(address, TimeSpan.FromSeconds(30));
            return Serve(pipe);
        }
        catch (Exception error) when (error is IOException or TimeoutException or ProcessProtocolException)
        {
            Console.Error.WriteLine($"Atasker worker process {Environment.ProcessId}: {error.Message}");
            return 3;
        }
    }

    /// <summary>
    /// Two threads take turns reading the pipe (blocking): the one that reads a task hands the reading to the other
    /// and runs the task itself, so cancel frames are still read while a body runs, and the other thread's wake-up is
    /// off the task's path. The parent sends one task at a time.
    /// </summary>
    private static int Serve(Stream pipe)
    {
        var session = new Session(pipe);
        var hello = new ProcessWriter();
        hello.WriteInt32(ProcessFrames.ProtocolVersion);
        hello.WriteInt32(Environment.ProcessId);
        session.Send(new ProcessFrame(ProcessFrameKind.Hello, 0, hello.ToArray()));

        new Thread(() => session.Serve()) { IsBackground = true, Name = "Atasker worker" }.Start();
        return session.Serve();
    }

    /// <summary>
    /// Runs one process task in this process through the registered dispatchers: <paramref name="body"/> is a
    /// <see cref="RemoteTaskRequest.Body"/>. Whatever happens becomes the reply (an unknown task id or undecodable
    /// arguments: Refused); only a body that gives up on <paramref name="cancellationToken"/> is Canceled. This is
    /// how remote pools' workers run tasks.
    /// </summary>
    public static ProcessTaskReply Execute(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var result = new ProcessWriter();
        ulong methodId = 0;
        try
        {
            var envelope = new ProcessReader(body);
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
                    return ProcessTaskReply.Completed(result.ToArray());
                }
            }

            return ProcessTaskReply.Refused($"Worker process {Environment.ProcessId} ({Environment.ProcessPath}) has no process task with id 0x{methodId:x16}: it was built from other code than the app that sent the task.");
        }
        catch (ProcessFrameTooLargeException error)
        {
            return ProcessTaskReply.Refused($"Worker process {Environment.ProcessId}: the result of task 0x{methodId:x16} is too large to send back: {error.Message}");
        }
        catch (ProcessProtocolException error)
        {
            return ProcessTaskReply.Refused($"Worker process {Environment.ProcessId} could not decode the arguments of task 0x{methodId:x16}: {error.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProcessTaskReply.Canceled();
        }
#pragma warning disable CA1031 // Whatever the body threw goes back to the sender, which owns the task's handle.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return ProcessTaskReply.Faulted(error);
        }
    }

    /// <summary>Runs one task from the parent and returns the frame that reports how it ended.</summary>
    private static ProcessFrame ExecuteFrame(ProcessFrame request, CancellationToken cancellationToken)
    {
        var reply = Execute(request.Payload, cancellationToken);
        var kind = reply.Outcome switch
        {
            ProcessTaskOutcome.Completed => ProcessFrameKind.Result,
            ProcessTaskOutcome.Faulted => ProcessFrameKind.Fault,
            ProcessTaskOutcome.Canceled => ProcessFrameKind.Canceled,
            _ => ProcessFrameKind.Error,
        };
        return new ProcessFrame(kind, request.TaskId, reply.Payload);
    }

    /// <summary>One worker's pipe, shared by the two serving threads.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lives as long as the worker process.")]
    private sealed class Session(Stream pipe)
    {
        private readonly Gate _writeGate = new();
        private readonly Gate _gate = new();
        private readonly SemaphoreSlim _baton = new(1); // held by the thread that reads the pipe
        private CancellationTokenSource? _cancellation; // the running task's, guarded by _gate
        private long _runningId;

        public void Send(ProcessFrame frame)
        {
            lock (_writeGate)
            {
                ProcessFrames.Write(pipe, frame);
            }
        }

        /// <summary>Takes turns reading. Whichever thread sees the pipe end exits the process at once: the other may
        /// be inside a body that never returns, and an orphaned worker must not outlive its parent.</summary>
        public int Serve()
        {
            while (true)
            {
                _baton.Wait();
                ProcessFrame? frame;
                try
                {
                    frame = ReadUntilTask();
                }
                catch (Exception error) when (error is IOException or ProcessProtocolException)
                {
                    Console.Error.WriteLine($"Atasker worker process {Environment.ProcessId}: {error.Message}");
                    Environment.Exit(3);
                    return 3;
                }

                if (frame is null)
                {
                    Environment.Exit(0); // The parent closed the pipe, or died.
                    return 0;
                }

                CancellationToken token;
                lock (_gate)
                {
                    _runningId = frame.Value.TaskId;
                    _cancellation = new CancellationTokenSource();
                    token = _cancellation.Token;
                }

                _baton.Release(); // the other thread reads while this one runs the task
                var reply = ExecuteFrame(frame.Value, token);
                lock (_gate)
                {
                    _runningId = 0;
                    _cancellation!.Dispose();
                    _cancellation = null;
                }

                try
                {
                    Send(reply);
                }
                catch (ProcessFrameTooLargeException error)
                {
                    var refused = ProcessTaskReply.Refused($"Worker process {Environment.ProcessId} could not send the reply: {error.Message}");
                    Send(new ProcessFrame(ProcessFrameKind.Error, reply.TaskId, refused.Payload));
                }
            }
        }

        /// <summary>Reads frames, handling cancels, until a task arrives (null when the pipe ends).</summary>
        private ProcessFrame? ReadUntilTask()
        {
            while (ProcessFrames.Read(pipe) is { } frame)
            {
                switch (frame.Kind)
                {
                    case ProcessFrameKind.Run:
                        return frame;
                    case ProcessFrameKind.Cancel:
                        lock (_gate)
                        {
                            if (_runningId == frame.TaskId)
                            {
                                _cancellation?.Cancel();
                            }
                        }

                        break;
                    default:
                        throw new ProcessProtocolException($"A worker does not expect {frame.Kind} frames.");
                }
            }

            return null;
        }
    }
}

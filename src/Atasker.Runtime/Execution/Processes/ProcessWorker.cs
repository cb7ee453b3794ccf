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
/// child's own, so a body may print). One task at a time. The end of the pipe is how each side learns the other died.
/// </summary>
internal sealed class ProcessWorker : IAsyncDisposable
{
    public const string PipeVariable = "ATASKER_PROCESS_WORKER";
    private const string StartupHooksVariable = "DOTNET_STARTUP_HOOKS";

    private readonly Process _process;
    private readonly NamedPipeServerStream _pipe;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _killed;

    private ProcessWorker(Process process, NamedPipeServerStream pipe)
    {
        _process = process;
        _pipe = pipe;
        ProcessId = process.Id;
    }

    public int ProcessId { get; }

    /// <summary>Starts a worker and waits for its hello; any failure is a <see cref="ProcessWorkerException"/>, within
    /// <paramref name="timeout"/> at most.</summary>
    public static async Task<ProcessWorker> StartAsync(ProcessWorkerCommand command, TimeSpan timeout)
    {
        string name = $"atasker-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        Process? process = null;
        try
        {
            process = Process.Start(CreateStartInfo(command, name))
                ?? throw new ProcessWorkerException($"The worker process '{command}' did not start.");
            using var deadline = new CancellationTokenSource(timeout);
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

            var reader = new ProcessReader(frame.Payload);
            int version = reader.ReadInt32();
            if (version != ProcessFrames.ProtocolVersion)
            {
                throw new ProcessWorkerException($"The worker process '{command}' speaks protocol {version}, this app {ProcessFrames.ProtocolVersion}: rebuild both with the same Atasker.");
            }

            return new ProcessWorker(process, pipe);
        }
        catch (Exception error) when (error is not ProcessWorkerException)
        {
            Kill(process);
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw new ProcessWorkerException($"The worker process '{command}' could not be started: {error.Message}", error);
        }
        catch
        {
            Kill(process);
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a task and returns the frame that ends it (Result, Fault, Canceled or Error). Throws
    /// <see cref="ProcessWorkerException"/> when the worker dies or breaks the protocol meanwhile.</summary>
    public async Task<ProcessFrame> RunAsync(long taskId, string taskName, ulong methodId, byte[] arguments)
    {
        var request = new ProcessWriter(arguments.Length + 12);
        request.WriteUInt64(methodId);
        request.WriteBytes(arguments);
        try
        {
            await WriteAsync(new ProcessFrame(ProcessFrameKind.Run, taskId, request.ToArray())).ConfigureAwait(false);
            while (true)
            {
                var reply = await ProcessFrames.ReadAsync(_pipe).ConfigureAwait(false);
                if (reply is null)
                {
                    throw new ProcessWorkerException(await DescribeExitAsync(taskName).ConfigureAwait(false));
                }

                if (reply.Value.TaskId == taskId && reply.Value.Kind is ProcessFrameKind.Result or ProcessFrameKind.Fault or ProcessFrameKind.Canceled or ProcessFrameKind.Error)
                {
                    return reply.Value;
                }

                throw new ProcessProtocolException($"Worker process {ProcessId} sent an unexpected {reply.Value.Kind} frame for task {reply.Value.TaskId} while running task {taskId}.");
            }
        }
        catch (IOException error)
        {
            throw new ProcessWorkerException(await DescribeExitAsync(taskName).ConfigureAwait(false), error);
        }
        catch (ProcessProtocolException error)
        {
            Kill();
            throw new ProcessWorkerException($"Worker process {ProcessId} broke the protocol while running '{taskName}': {error.Message}", error);
        }
    }

    /// <summary>Asks the worker to signal the running task's token; a failure to ask is ignored (the task ends anyway).</summary>
    public void RequestCancel(long taskId) =>
        _ = WriteAsync(new ProcessFrame(ProcessFrameKind.Cancel, taskId, ReadOnlyMemory<byte>.Empty)).ContinueWith(
            static write => _ = write.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>Ends the worker at once (its running task, if any, then fails).</summary>
    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 0)
        {
            Kill(_process);
        }
    }

    /// <summary>Closes the pipe (the worker sees the end and exits) and waits briefly for the process, killing it if
    /// it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        await _pipe.DisposeAsync().ConfigureAwait(false);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }

        _process.Dispose();
        _writeLock.Dispose();
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

    private async Task WriteAsync(ProcessFrame frame)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await ProcessFrames.WriteAsync(_pipe, frame).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<string> DescribeExitAsync(string taskName)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            return Volatile.Read(ref _killed) != 0
                ? $"Worker process {ProcessId} was stopped while running '{taskName}'."
                : $"Worker process {ProcessId} exited with code {_process.ExitCode} while running '{taskName}'.";
        }
        catch (OperationCanceledException)
        {
            Kill();
            return $"Worker process {ProcessId} closed its pipe while running '{taskName}' and was killed.";
        }
    }
}

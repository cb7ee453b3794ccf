using Atasker.Testing;
using System.Diagnostics;

namespace Atasker.RabbitMQ.Tests;

/// <summary>A remote worker app in its own process (the console entry), started and ended by a test.</summary>
internal sealed class RemoteWorkerProcess : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private RemoteWorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Seen(e.Data);
        _process.ErrorDataReceived += (_, e) => Seen(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Starts a worker on <paramref name="queue"/> and waits until it consumes. With
    /// <paramref name="mayDieAtOnce"/>, a worker killed by its first task before it could say so is returned, exited.</summary>
    public static async Task<RemoteWorkerProcess> StartAsync(Broker broker, string queue, int poolSize = 1, int maxDeliveries = 5, bool mayDieAtOnce = false)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            WorkerAssembly, "--uri", broker.Uri.ToString(), "--queue", queue,
            "--pool-size", poolSize.ToString(), "--max-deliveries", maxDeliveries.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var worker = new RemoteWorkerProcess(Process.Start(start)!);
        var exited = worker._process.WaitForExitAsync();
        var ready = worker._ready.Task;
        await Task.WhenAny(ready, exited, Task.Delay(Patience));
        if (exited.IsCompleted)
        {
            worker._process.WaitForExit(); // the output is read to its end: a worker may serve and die at once
        }

        if (!ready.IsCompleted && !(mayDieAtOnce && exited.IsCompleted))
        {
            worker.Kill();
            throw new InvalidOperationException($"The remote worker did not start consuming:{Environment.NewLine}{worker.Output}");
        }

        return worker;
    }

    /// <summary>SIGKILL: no goodbye, its unacknowledged messages go back to the queue.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(Patience);
    }

    /// <summary>SIGTERM: a graceful stop; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async Task WaitForExitAsync()
    {
        using var deadline = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(deadline.Token);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Seen(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.Contains("consuming", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    /// <summary>The worker app's main assembly, built beside this one.</summary>
    private static string WorkerAssembly => Repository.BuiltApp("Atasker.RabbitMQ.Tests.Worker");
}

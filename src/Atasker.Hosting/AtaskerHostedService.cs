using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atasker.Hosting;

/// <summary>
/// Starts the supervisor with the host, configured by <see cref="AtaskerOptions"/>; on shutdown lets what was accepted
/// run until the host's shutdown timeout, then cancels the rest, so every handle ends.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812", Justification = "Created by the service container (AddAtasker registers it).")]
internal sealed class AtaskerHostedService(TaskSupervisor supervisor, IOptions<AtaskerOptions> options, ILoggerFactory? loggerFactory = null) : IHostedService
{
    /// <summary>How long, after the shutdown timeout, canceled tasks get to end before the host is let go anyway (a
    /// thread body that ignores its token cannot be ended).</summary>
    internal static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value; // validated here: a bad value fails the start
        supervisor.LoggerFactory ??= loggerFactory;
        if (settings.ThreadPool is { } thread)
        {
            supervisor.SetThreadPool(thread.PoolSize, thread.ReserveNormal, thread.ReserveHigh);
        }

        if (settings.AsyncPool is { } async)
        {
            supervisor.SetAsyncPool(async.PoolSize, async.ReserveNormal, async.ReserveHigh);
        }

        if (settings.ProcessPool is { } process)
        {
            supervisor.SetProcessPool(process.PoolSize, process.ReserveNormal, process.ReserveHigh);
        }

        if (settings.TimeoutWarning is { } warning)
        {
            supervisor.TimeoutWarning = warning;
        }

        if (settings.TimeoutCritical is { } critical)
        {
            supervisor.TimeoutCritical = critical;
        }

        supervisor.Start();
        var existing = supervisor.GetInfo().Loops;
        foreach (var loop in settings.Loops)
        {
            if (!existing.Contains(loop) && loop != settings.DefaultLoop)
            {
                supervisor.CreateLoop(loop);
            }
        }

        if (settings.DefaultLoop is { } defaultLoop && !existing.Contains(defaultLoop))
        {
            supervisor.CreateLoop(defaultLoop, isDefault: true);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await supervisor.StopAsync(wait: true, cancelTasks: false).WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // The host's shutdown timeout has passed: cancel what is left, and give it a moment to end.
        var canceled = supervisor.StopAsync(wait: true, cancelTasks: true);
        await Task.WhenAny(canceled, Task.Delay(CancelGrace, CancellationToken.None)).ConfigureAwait(false);
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace Atasker.Hosting;

/// <summary>Starts one worker with the host and stops it (a queue worker draining its items) on shutdown.</summary>
internal sealed class BackgroundWorkerHostedService(Func<BackgroundWorker> select, TaskSupervisor supervisor) : IHostedService
{
    private BackgroundWorker? _worker;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _worker = select() ?? throw new InvalidOperationException("The worker selector passed to AddBackgroundWorker returned null.");
        _worker.Start(supervisor);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            return;
        }

        // Past the host's shutdown timeout the supervisor's own stop (which runs after this one) cancels the rest.
        try
        {
            await _worker.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}

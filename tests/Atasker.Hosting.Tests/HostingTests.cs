using System.Collections.Concurrent;
using Atasker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Atasker.Hosting.Tests;

/// <summary>The host drives TaskSupervisor.Default, which is one per process: these tests run one after another.</summary>
public sealed class HostingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Two_lines_make_the_hosts_supervisor_the_default_one_and_stopping_the_host_drains_tasks_in_flight()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAtasker();
        using var host = builder.Build();
        await host.StartAsync();
        Assert.Same(TaskSupervisor.Default, host.Services.GetRequiredService<TaskSupervisor>());
        Assert.True(TaskSupervisor.Default.IsActive);

        using var release = new ManualResetEventSlim();
        using var started = new CountdownEvent(3);
        var handles = Enumerable.Range(0, 3).Select(i => TaskSupervisor.Default.Submit(() =>
        {
            started.Signal();
            release.Wait(Patience);
            return i;
        })).ToList();
        var queued = TaskSupervisor.Default.Submit(() => 99, new TaskOptions { Delay = TimeSpan.FromMilliseconds(50) });
        Assert.True(started.Wait(Patience));

        var stopping = host.StopAsync();
        Assert.False(stopping.IsCompleted); // waits for the tasks in flight
        release.Set();
        await stopping.WaitAsync(Patience);

        Assert.Equal([0, 1, 2], TaskHandle.WaitCompleted(handles, TimeSpan.Zero));
        Assert.Equal(99, queued.Result);
        Assert.False(TaskSupervisor.Default.IsActive);
    }

    [Fact]
    public async Task Past_the_hosts_shutdown_timeout_what_is_left_is_canceled_and_every_handle_ends()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAtasker();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(300));
        using var host = builder.Build();
        await host.StartAsync();

        using var started = new ManualResetEventSlim();
        var stubborn = TaskSupervisor.Default.Submit(token =>
        {
            started.Set();
            token.WaitHandle.WaitOne(Patience); // ends only when canceled
            token.ThrowIfCancellationRequested();
        });
        Assert.True(started.Wait(Patience));
        var blocker = TaskSupervisor.Default.Submit(() => { }, new TaskOptions { Delay = TimeSpan.FromHours(1) });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await host.StopAsync().WaitAsync(Patience);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the host took {clock.Elapsed} to stop");
        Assert.Equal(TaskState.Canceled, stubborn.State);
        Assert.Equal(TaskState.Canceled, blocker.State);
    }

    [Fact]
    public async Task Options_from_configuration_set_up_the_pools_thresholds_and_loops()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Atasker:ThreadPool:PoolSize"] = "6",
            ["Atasker:ThreadPool:ReserveNormal"] = "2",
            ["Atasker:ThreadPool:ReserveHigh"] = "1",
            ["Atasker:AsyncPool:PoolSize"] = "50",
            ["Atasker:ProcessPool:PoolSize"] = "2",
            ["Atasker:TimeoutWarning"] = "2.5",
            ["Atasker:TimeoutCritical"] = "00:00:20",
            ["Atasker:Loops:0"] = "io",
            ["Atasker:DefaultLoop"] = "main",
        });
        builder.Services.AddAtasker(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        var info = TaskSupervisor.Default.GetInfo();
        Assert.Equal(new PoolLimits(6, 2, 1), info.Thread.Limits);
        Assert.Equal(new PoolLimits(50), info.Async.Limits);
        Assert.Equal(new PoolLimits(2), info.Process.Limits);
        Assert.Equal(TimeSpan.FromSeconds(2.5), TaskSupervisor.Default.TimeoutWarning);
        Assert.Equal(TimeSpan.FromSeconds(20), TaskSupervisor.Default.TimeoutCritical);
        Assert.Contains("io", info.Loops);
        Assert.Equal("main", TaskSupervisor.Default.GetLoop().Name);

        await host.StopAsync().WaitAsync(Patience);
        ResetDefault();
    }

    [Fact]
    public async Task Bad_options_fail_the_start_with_a_message_naming_each_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Atasker:ThreadPool:PoolSize"] = "-1",
            ["Atasker:AsyncPool:ReserveHigh"] = "many",
            ["Atasker:TimeoutWarning"] = "soon",
            ["Atasker:Loops:0"] = "io",
            ["Atasker:Loops:1"] = "io",
        });
        builder.Services.AddAtasker(builder.Configuration);
        builder.Services.AddAtasker(options => options.TimeoutCritical = TimeSpan.FromSeconds(-3));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Atasker:ThreadPool:PoolSize: '-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Atasker:AsyncPool:ReserveHigh: 'many'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Atasker:AsyncPool:PoolSize: missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("Atasker:TimeoutWarning: 'soon'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Atasker:TimeoutCritical:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Atasker:Loops: 'io' is listed 2 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_services_worker_starts_with_the_host_and_drains_its_queue_on_shutdown()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<Mailer>();
        builder.Services.AddBackgroundWorker<Mailer>(mailer => mailer.SendWorker);
        builder.Services.AddAtasker(); // again: harmless
        using var host = builder.Build();
        var mailer = host.Services.GetRequiredService<Mailer>();
        mailer.SendWorker.Put("before start"); // kept

        await host.StartAsync();
        Assert.True(mailer.SendWorker.IsActive);
        Assert.Same(TaskSupervisor.Default, mailer.SendWorker.Supervisor);
        for (int i = 0; i < 500; i++)
        {
            mailer.SendWorker.Put($"mail {i}");
        }

        await host.StopAsync().WaitAsync(Patience);

        Assert.False(mailer.SendWorker.IsActive);
        Assert.Equal(501, mailer.Sent.Count);
        Assert.Equal("before start", mailer.Sent.First());
        Assert.Equal("mail 499", mailer.Sent.Last());
    }

    /// <summary>Leaves the shared default supervisor as a new one would be, for the next test.</summary>
    private static void ResetDefault()
    {
        TaskSupervisor.Default.SetThreadPool(Environment.ProcessorCount * 5, 5, 5);
        TaskSupervisor.Default.SetAsyncPool(0);
        TaskSupervisor.Default.SetProcessPool(Environment.ProcessorCount);
        TaskSupervisor.Default.TimeoutWarning = TimeSpan.FromSeconds(5);
        TaskSupervisor.Default.TimeoutCritical = TimeSpan.FromSeconds(10);
    }
}

public partial class Mailer
{
    public ConcurrentQueue<string> Sent { get; } = new();

    [BackgroundWorker(Queue = true)]
    public partial void Send(string mail) => Sent.Enqueue(mail);
}

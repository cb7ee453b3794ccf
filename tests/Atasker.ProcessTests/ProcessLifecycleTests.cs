using System.Diagnostics;
using Atasker.ProcessTests.Tasks;

namespace Atasker.ProcessTests;

public sealed class ProcessLifecycleTests
{
    [Fact]
    public async Task Stop_with_cancel_ends_busy_workers_even_when_a_body_ignores_its_token()
    {
        var supervisor = Workers.Create(2);
        var pids = new[] { await RemoteTasks.StartProcessId(supervisor.Options()), await RemoteTasks.StartProcessId(supervisor.Options()) };
        var polite = RemoteTasks.StartHang(supervisor.Options());
        var stubborn = RemoteTasks.StartHangIgnoringToken(supervisor.Options());
        Workers.Eventually(() => polite.State == TaskState.Started && stubborn.State == TaskState.Started, "both tasks started");

        var clock = Stopwatch.StartNew();
        supervisor.Stop(wait: true, cancelTasks: true);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Stop took {clock.Elapsed}.");
        Assert.Equal(TaskState.Canceled, polite.State);
        Assert.Equal(TaskState.Canceled, stubborn.State);
        Workers.Eventually(() => pids.All(pid => !Workers.IsAlive(pid)), "every worker exited");
    }

    [Fact]
    public async Task Stop_ends_idle_workers()
    {
        var supervisor = Workers.Create(2);
        int pid = await RemoteTasks.StartProcessId(supervisor.Options());
        Assert.True(Workers.IsAlive(pid));

        supervisor.Stop();

        Workers.Eventually(() => !Workers.IsAlive(pid), "the idle worker exited");
        Assert.Equal(0, supervisor.ProcessWorkerCount);
    }

    [Fact]
    public async Task A_worker_whose_parent_dies_exits()
    {
        var start = new ProcessStartInfo(ProcessWorkerCommand.ForAssembly(Workers.WorkerAssembly).FileName)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Workers.WorkerAssembly);
        start.ArgumentList.Add("parent");
        using var parent = Process.Start(start)!;
        var line = await parent.StandardOutput.ReadLineAsync().WaitAsync(Workers.Patience);
        int worker = int.Parse(line!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Workers.IsAlive(worker));

        parent.Kill();

        Workers.Eventually(() => !Workers.IsAlive(worker), "the orphaned worker exited");
    }

    [Fact]
    public async Task A_worker_command_that_is_not_an_atasker_app_fails_the_task_clearly()
    {
        var supervisor = new TaskSupervisor();
        supervisor.ProcessWorkerCommand = new ProcessWorkerCommand("/bin/sh", ["-c", "exit 9"]);

        var error = await Assert.ThrowsAsync<ProcessWorkerException>(async () => await RemoteTasks.StartFib(3, supervisor.Options()));

        Assert.Contains("exited with code 9 before connecting", error.Message, StringComparison.Ordinal);
        supervisor.Stop();
    }

    [Fact]
    public async Task A_worker_that_never_connects_fails_the_task_after_the_start_timeout()
    {
        var supervisor = new TaskSupervisor();
        supervisor.ProcessWorkerCommand = new ProcessWorkerCommand("/bin/sh", ["-c", "sleep 30"]);
        supervisor.ProcessWorkerStartTimeout = TimeSpan.FromMilliseconds(500);

        var error = await Assert.ThrowsAsync<ProcessWorkerException>(async () => await RemoteTasks.StartFib(3, supervisor.Options()));

        Assert.Contains("did not connect", error.Message, StringComparison.Ordinal);
        supervisor.Stop();
    }
}

using System.Diagnostics;
using Atasker.CompilerServices;
using Atasker.ProcessTests.Tasks;

namespace Atasker.ProcessTests;

public sealed class ProcessTaskTests : IDisposable
{
    private readonly TaskSupervisor _supervisor = Workers.Create(2, "process-tests");

    public void Dispose() => _supervisor.Stop(wait: true, cancelTasks: true);

    [Fact]
    public async Task A_result_comes_back_from_another_process()
    {
        var fib = RemoteTasks.StartFib(20, _supervisor.Options());
        var pid = RemoteTasks.StartProcessId(_supervisor.Options());

        Assert.Equal(6765, await fib);
        Assert.NotEqual(Environment.ProcessId, await pid);
        Assert.Equal(TaskKind.Process, fib.Kind);
        Assert.Equal("RemoteTasks.Fib", fib.Name);
        Assert.Equal(TaskPriority.High, RemoteTasks.StartReverse([1], _supervisor.Options()).Priority);
    }

    [Fact]
    public async Task Workers_are_kept_warm_and_reused()
    {
        var first = await RemoteTasks.StartProcessId(_supervisor.Options());
        var pids = new HashSet<int>();
        for (int i = 0; i < 10; i++)
        {
            pids.Add(await RemoteTasks.StartProcessId(_supervisor.Options()));
        }

        Assert.Contains(first, pids);
        Assert.InRange(_supervisor.ProcessWorkerCount, 1, 2);
    }

    [Fact]
    public async Task Every_kind_of_supported_value_crosses_the_boundary()
    {
        var moment = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(7);
        var offset = new DateTimeOffset(2001, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7.5));
        var id = Guid.NewGuid();
        var expected = RemoteTasks.Describe(
            true, 255, -128, short.MinValue, ushort.MaxValue, int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue, float.Epsilon, Math.PI, -79228162514264337593543950335m, 'é',
            "grüße ✓", moment, offset, TimeSpan.FromTicks(-5), id, Shade.Dark, null, Shade.Light, ["a", null, ""]);

        var remote = await RemoteTasks.StartDescribe(
            true, 255, -128, short.MinValue, ushort.MaxValue, int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue, float.Epsilon, Math.PI, -79228162514264337593543950335m, 'é',
            "grüße ✓", moment, offset, TimeSpan.FromTicks(-5), id, Shade.Dark, null, Shade.Light, ["a", null, ""], _supervisor.Options());

        Assert.Equal(expected, remote);
        Assert.Equal([[1, 2], [], [3]], (await RemoteTasks.StartEchoNested([[1, 2], [], [3]], _supervisor.Options()))!);
        Assert.Null(await RemoteTasks.StartEchoNested(null, _supervisor.Options()));
        Assert.StartsWith("hello nobody from ", await RemoteTasks.StartGreet(null, _supervisor.Options()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_throws_faults_its_handle_with_the_remote_type_message_and_stack()
    {
        var handle = RemoteTasks.StartThrow("remote boom", _supervisor.Options());

        var error = await Assert.ThrowsAsync<ProcessTaskException>(async () => await handle);

        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("remote boom", error.RemoteMessage);
        Assert.Contains("Throw", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Contains("RemoteTasks.Throw", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(Environment.ProcessId, error.WorkerProcessId);
        Assert.Equal(TaskState.Faulted, handle.State);
        Assert.Equal(6765, await RemoteTasks.StartFib(20, _supervisor.Options()));
    }

    [Fact]
    public async Task A_worker_that_exits_mid_task_faults_only_that_task_and_is_replaced()
    {
        _supervisor.SetProcessPool(1);
        var logs = new Atasker.Testing.CapturingLoggerFactory();
        _supervisor.LoggerFactory = logs;
        int before = await RemoteTasks.StartProcessId(_supervisor.Options());

        var crash = RemoteTasks.StartExitWith(42, _supervisor.Options());
        var error = await Assert.ThrowsAsync<ProcessWorkerException>(async () => await crash);

        Assert.Contains("exited with code 42", error.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, entry => entry.EventId == 7 && entry.Message.Contains($"Worker process {before} was lost running task 'RemoteTasks.ExitWith'", StringComparison.Ordinal));
        int after = await RemoteTasks.StartProcessId(_supervisor.Options());
        Assert.NotEqual(before, after);
        Assert.False(Workers.IsAlive(before));
    }

    [Fact]
    public async Task The_process_workers_snapshot_shows_each_pid_its_tasks_served_its_task_and_the_lost_ones()
    {
        _supervisor.SetProcessPool(1);
        Assert.Equal((0, 0L, 0L), (_supervisor.GetProcessWorkers().Workers.Count, _supervisor.GetProcessWorkers().Started, _supervisor.GetProcessWorkers().Lost));
        int pid = await RemoteTasks.StartProcessId(_supervisor.Options());
        await RemoteTasks.StartFib(5, _supervisor.Options());
        var hung = Workers.StartHangInWorker(_supervisor);

        var busy = Assert.Single(_supervisor.GetProcessWorkers().Workers);
        Assert.Equal((pid, 2L, (long?)hung.Id), (busy.ProcessId, busy.TasksServed, busy.TaskId));
        Assert.InRange(busy.StartedAt, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);

        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        Assert.Throws<ProcessWorkerException>(() => hung.Wait(Workers.Patience));
        int fresh = await RemoteTasks.StartProcessId(_supervisor.Options());
        var after = _supervisor.GetProcessWorkers();
        var idle = Assert.Single(after.Workers);
        Assert.Equal((fresh, 1L, (long?)null), (idle.ProcessId, idle.TasksServed, idle.TaskId));
        Assert.Equal((2L, 1L), (after.Started, after.Lost));
    }

    [Fact]
    public async Task A_killed_worker_faults_only_its_task_and_the_next_task_runs()
    {
        _supervisor.SetProcessPool(1);
        int pid = await RemoteTasks.StartProcessId(_supervisor.Options());
        var hung = Workers.StartHangInWorker(_supervisor);

        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        Assert.Throws<ProcessWorkerException>(() => hung.Wait(Workers.Patience));
        Assert.Equal(55, await RemoteTasks.StartFib(10, _supervisor.Options()));
    }

    [Fact]
    public async Task Canceling_a_running_process_task_reaches_its_body_through_its_token()
    {
        var hung = RemoteTasks.StartHang(_supervisor.Options());
        Workers.Eventually(() => hung.State == TaskState.Started, "the hanging task started");

        Assert.False(hung.Cancel());

        Assert.ThrowsAny<OperationCanceledException>(() => hung.Wait(Workers.Patience));
        Assert.Equal(TaskState.Canceled, hung.State);
    }

    [Fact]
    public void The_pool_limit_holds_and_every_task_ends()
    {
        _supervisor.SetProcessPool(2);
        var hung = Enumerable.Range(0, 5).Select(_ => RemoteTasks.StartHang(_supervisor.Options())).ToList();
        Workers.Eventually(() => hung.Count(h => h.State == TaskState.Started) == 2, "two tasks started");

        var info = _supervisor.GetInfo().Process;
        Assert.Equal((2, 3), (info.Active, info.Queued));
        Assert.Equal(3, hung.Count(h => h.State == TaskState.Queued));
        Assert.Equal(2, _supervisor.ProcessWorkerCount);

        hung.ForEach(h => h.Cancel());
        Assert.All(hung, h => Assert.Throws<OperationCanceledException>(() => h.Wait(Workers.Patience)));
        Assert.Equal((0, 0), (_supervisor.GetInfo().Process.Active, _supervisor.GetInfo().Process.Queued));
    }

    [Fact]
    public async Task Payloads_of_megabytes_cross_both_ways()
    {
        var data = new byte[8 * 1024 * 1024];
        new Random(7).NextBytes(data);

        var reversed = await RemoteTasks.StartReverse(data, _supervisor.Options());

        Assert.Equal(data.Length, reversed.Length);
        Assert.Equal(data.Reverse(), reversed);
    }

    [Fact]
    public async Task A_body_may_write_to_stdout_without_disturbing_the_protocol()
    {
        Assert.Equal(2000, await RemoteTasks.StartPrint(2000, _supervisor.Options()));
        Assert.Equal(55, await RemoteTasks.StartFib(10, _supervisor.Options()));
    }

    [Fact]
    public async Task An_id_the_worker_does_not_know_is_a_clear_error()
    {
        var handle = TaskLauncher.StartProcess<int>(
            new TaskMethodInfo("Nowhere.Unknown", kind: TaskKind.Process), _supervisor.Options(), 0xdeadbeefUL, new ProcessWriter(), static reader => reader.ReadInt32());

        var error = await Assert.ThrowsAsync<ProcessWorkerException>(async () => await handle);

        Assert.Contains("0x00000000deadbeef", error.Message, StringComparison.Ordinal);
        Assert.Equal(55, await RemoteTasks.StartFib(10, _supervisor.Options()));
    }
}

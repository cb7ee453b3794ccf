using System.Diagnostics;
using Atasker.ProcessTests.Tasks;

namespace Atasker.ProcessTests;

/// <summary>Worker processes killed at the worst moments, and frames too large to send.</summary>
public sealed class ProcessFailureTests
{
    [Fact]
    public async Task A_worker_killed_while_idle_is_replaced_and_the_next_task_runs()
    {
        var supervisor = Workers.Create(1);
        var pids = new HashSet<int>();
        for (int kill = 0; kill < 30; kill++)
        {
            int pid = await RemoteTasks.StartProcessId(supervisor.Options());
            Assert.True(pids.Add(pid), "every task after a kill ran in a new worker");
            Process.GetProcessById(pid).Kill();
            Workers.Eventually(() => !Workers.IsAlive(pid), $"worker {pid} exited");
        }

        Assert.DoesNotContain(await RemoteTasks.StartProcessId(supervisor.Options()), pids);
        supervisor.Stop();
    }

    [Fact]
    public void A_storm_of_kills_faults_only_tasks_that_were_running_and_every_handle_ends()
    {
        var supervisor = Workers.Create(2);
        var handles = new List<TaskHandle<int>>();
        var random = new Random(17);
        int kills = 0;
        for (int i = 0; i < 400; i++)
        {
            handles.Add(RemoteTasks.StartSleepThenProcessId(random.Next(1, 4), supervisor.Options()));
            if (i % 13 == 12 && WorkerThatRan(handles[^13]) is int pid)
            {
                // A worker that just answered: idle now, or already running the next task.
                try
                {
                    Process.GetProcessById(pid).Kill();
                    kills++;
                }
                catch (ArgumentException)
                {
                    // Killed already.
                }
            }
        }

        foreach (var handle in handles)
        {
            try
            {
                handle.Wait(Workers.Patience);
            }
            catch (ProcessWorkerException)
            {
                // A task whose worker was killed under it.
            }
        }

        Assert.All(handles, handle => Assert.True(handle.IsFinished));
        var faulted = handles.Where(handle => handle.State == TaskState.Faulted).ToList();
        Assert.All(faulted, handle => Assert.Contains("while running 'RemoteTasks.SleepThenProcessId'", handle.Exception!.Message, StringComparison.Ordinal));
        Assert.InRange(faulted.Count, 0, kills);
        Assert.Equal(400 - faulted.Count, handles.Count(handle => handle.State == TaskState.Completed));
        supervisor.Stop();
    }

    /// <summary>The pid a task answered from, or null when the task was itself running in a worker killed before.</summary>
    private static int? WorkerThatRan(TaskHandle<int> handle)
    {
        try
        {
            return handle.Wait(Workers.Patience);
        }
        catch (ProcessWorkerException)
        {
            return null;
        }
    }

    [Fact]
    public void A_cancel_asked_while_the_submitter_writes_the_tasks_frame_waits_for_that_write()
    {
        // A small Run frame is written by the thread that gives the task (here the test's own, inside StartHang) when
        // the writer thread is idle. The task is canceled just before that write: its Cancel frame is queued for the
        // writer thread, which must wait for the write (a cancel that overtook the task is ignored by the worker, and
        // the task hangs; one written at the same time breaks the protocol). The window below is only the chance a
        // wrong writer needs to take the cancel early; nothing waits on it to pass.
        var supervisor = Workers.Create(1);
        int held = 0;
        bool queued = false, takenEarly = false;
        _ = RemoteTasks.StartProcessId(supervisor.Options()).Wait(Workers.Patience); // a warm, idle worker
        ProcessWorker.RunWriting = (worker, handle) =>
        {
            if (handle.Supervisor == supervisor && Interlocked.Exchange(ref held, 1) == 0)
            {
                _ = handle.Cancel(); // Started: its token is signalled, and a Cancel frame is queued
                queued = worker.HasQueuedCancel;
                takenEarly = SpinWait.SpinUntil(() => !worker.HasQueuedCancel, TimeSpan.FromMilliseconds(200));
            }
        };
        try
        {
            var hung = RemoteTasks.StartHang(supervisor.Options());
            Assert.Equal(1, held);
            Assert.True(queued, "the cancel was queued for the writer");
            Assert.False(takenEarly, "the writer thread took the cancel while the task's Run frame was still to be written");
            Assert.ThrowsAny<OperationCanceledException>(() => hung.Wait(Workers.Patience));
            Assert.Equal(TaskState.Canceled, hung.State);
            Assert.Equal(0L, supervisor.GetProcessWorkers().Lost);
        }
        finally
        {
            ProcessWorker.RunWriting = null;
            supervisor.Stop(cancelTasks: true);
        }
    }

    [Fact]
    public void A_reply_read_before_the_writer_marks_its_frame_delivered_does_not_lose_the_next_task()
    {
        // The writer thread is held right after writing the first task's frame until the reply has been read and the
        // second task given to the same worker: the writer's bookkeeping must not swallow the second frame.
        var supervisor = Workers.Create(1);
        int held = 0;
        ProcessWorker.RunWritten = (worker, handle) =>
        {
            if (handle.Supervisor == supervisor && Interlocked.Exchange(ref held, 1) == 0)
            {
                Workers.Eventually(() => worker.HasQueuedRun, "the second task was given to the worker");
            }
        };
        try
        {
            var first = RemoteTasks.StartProcessId(supervisor.Options());
            var second = RemoteTasks.StartProcessId(supervisor.Options());
            Assert.Equal(first.Wait(Workers.Patience), second.Wait(Workers.Patience));
            Assert.Equal(1, held);
        }
        finally
        {
            ProcessWorker.RunWritten = null;
            supervisor.Stop(cancelTasks: true); // a lost frame leaves its task running: the stop's kill ends it
        }
    }

    [Fact]
    public void A_cancel_asked_while_the_tasks_frame_waits_for_the_writer_reaches_the_worker_after_it()
    {
        // The writer thread is held after the first task's frame until the hanging task was given to the same worker
        // and canceled: its Run frame and its Cancel frame both wait for the writer, and must leave in that order (a
        // cancel that overtook the task was ignored by the worker, and the task hung for ever).
        var supervisor = Workers.Create(1);
        TaskHandle<int>? hung = null;
        int held = 0;
        ProcessWorker.RunWritten = (worker, handle) =>
        {
            if (handle.Supervisor == supervisor && Interlocked.Exchange(ref held, 1) == 0)
            {
                Workers.Eventually(() => worker.HasQueuedRun && Volatile.Read(ref hung) is not null, "the hanging task was given to the worker");
                hung!.Cancel(); // Started: its token is signalled, and the cancel goes to the worker
            }
        };
        try
        {
            var first = RemoteTasks.StartProcessId(supervisor.Options());
            Volatile.Write(ref hung, RemoteTasks.StartHang(supervisor.Options()));
            first.Wait(Workers.Patience);
            Assert.Throws<OperationCanceledException>(() => hung.Wait(Workers.Patience));
            Assert.Equal(TaskState.Canceled, hung.State);
            Assert.Equal(1, held);
        }
        finally
        {
            ProcessWorker.RunWritten = null;
            supervisor.Stop(cancelTasks: true);
        }
    }

    [Fact]
    public void A_task_given_to_a_worker_killed_before_its_frame_was_written_runs_on_a_fresh_worker_not_faulted()
    {
        // The writer thread is held after the first task's frame until the second task was given to the same worker
        // (Started, its frame waiting for the writer) and the worker was killed and seen lost: the second task never
        // reached that worker, so it runs on a fresh one. (A test that kills a worker as soon as a task is Started
        // races this: the task may not have reached the worker yet.)
        var supervisor = Workers.Create(1);
        string marker = Path.Combine(Path.GetTempPath(), $"atasker-hang-{Guid.NewGuid():N}");
        TaskHandle<int>? hung = null;
        int killed = 0;
        ProcessWorker.RunWritten = (worker, handle) =>
        {
            if (handle.Supervisor == supervisor && Interlocked.CompareExchange(ref killed, worker.ProcessId, 0) == 0)
            {
                Workers.Eventually(() => worker.HasQueuedRun && Volatile.Read(ref hung) is not null, "the hanging task was given to the worker");
                Assert.Equal(TaskState.Started, hung!.State);
                Process.GetProcessById(worker.ProcessId).Kill();
                Workers.Eventually(() => worker.IsLost, "the killed worker was seen lost");
            }
        };
        try
        {
            var first = RemoteTasks.StartProcessId(supervisor.Options());
            Volatile.Write(ref hung, RemoteTasks.StartHangAfterMarking(marker, supervisor.Options()));
            Assert.Equal(first.Wait(Workers.Patience), Volatile.Read(ref killed));
            Workers.Eventually(() => File.Exists(marker), "the hanging body runs in a fresh worker");
            int ranOn = int.Parse(File.ReadAllText(marker), System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(Volatile.Read(ref killed), ranOn);
            Assert.Equal(TaskState.Started, hung.State);

            Assert.False(hung.Cancel());
            Assert.ThrowsAny<OperationCanceledException>(() => hung.Wait(Workers.Patience));
            Assert.Equal((2L, 1L), (supervisor.GetProcessWorkers().Started, supervisor.GetProcessWorkers().Lost));
        }
        finally
        {
            ProcessWorker.RunWritten = null;
            File.Delete(marker);
            supervisor.Stop(cancelTasks: true);
        }
    }

    [Fact]
    public async Task A_frame_over_the_limit_is_not_sent_and_faults_its_task_naming_the_limit()
    {
        var supervisor = Workers.Create(1);
        int limit = ProcessFrames.MaxFrameBytes;
        ProcessFrames.MaxFrameBytes = 1024 * 1024;
        try
        {
            // The arguments fit the encoder's limit, but the frame around them (method id, length) does not.
            var tooLarge = RemoteTasks.StartLength(new byte[(1024 * 1024) - 5], supervisor.Options());
            var error = await Assert.ThrowsAsync<ProcessFrameTooLargeException>(async () => await tooLarge);
            Assert.Contains("'RemoteTasks.Length'", error.Message, StringComparison.Ordinal);
            Assert.Contains("1048576", error.Message, StringComparison.Ordinal);
            Assert.Equal(1024 * 1024, error.Limit);

            // Far over: the launcher itself refuses to encode them.
            Assert.Throws<ProcessFrameTooLargeException>(() => RemoteTasks.StartLength(new byte[2 * 1024 * 1024], supervisor.Options()));
            Assert.Equal(1000, await RemoteTasks.StartLength(new byte[1000], supervisor.Options()));
        }
        finally
        {
            ProcessFrames.MaxFrameBytes = limit;
        }

        supervisor.Stop();
    }

    [Fact]
    public async Task A_large_argument_is_written_by_the_workers_thread_not_the_submitters()
    {
        // The worker process is stopped (SIGSTOP), so nothing reads its socket and a 96 MB frame cannot be written: a
        // StartX that returns all the same did not write it. (Comparing the submit's time with the round trip's, as
        // this test once did, failed once the socket made the round trip fast.)
        var supervisor = Workers.Create(1);
        int pid = await RemoteTasks.StartProcessId(supervisor.Options()); // a warm worker, idle
        var data = new byte[96 * 1024 * 1024];
        Signal("STOP", pid);
        TaskHandle<int> handle;
        try
        {
            // On a thread of its own: a StartX that wrote the frame itself would block until the worker reads.
            var submit = Task.Factory.StartNew(() => RemoteTasks.StartLength(data, supervisor.Options()), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Assert.True(submit.Wait(Workers.Patience), "StartX waited for the stopped worker to read its frame");
            handle = submit.Result;
            Assert.False(handle.IsFinished);
        }
        finally
        {
            Signal("CONT", pid);
        }

        Assert.Equal(data.Length, handle.Wait(Workers.Patience));
        supervisor.Stop();
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        Assert.True(kill.WaitForExit(Workers.Patience), $"kill -{signal} did not end");
        Assert.Equal(0, kill.ExitCode);
    }
}

using Atasker.Testing;
using System.Diagnostics;
using Atasker.ProcessTests.Tasks;

// Tests that start processes run one class at a time: two cores, and worker start-up is CPU-bound.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Atasker.ProcessTests;

/// <summary>Supervisors whose process pool runs the worker test app, and helpers to wait on signals.</summary>
internal static class Workers
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The worker app's main assembly, built beside this one.</summary>
    public static string WorkerAssembly => Repository.BuiltApp("Atasker.ProcessTests.Worker");

    public static TaskSupervisor Create(int poolSize = 2, string? id = null)
    {
        var supervisor = new TaskSupervisor(id);
        supervisor.SetProcessPool(poolSize);
        supervisor.ProcessWorkerCommand = ProcessWorkerCommand.ForAssembly(WorkerAssembly);
        return supervisor;
    }

    public static TaskOptions Options(this TaskSupervisor supervisor) => new() { Supervisor = supervisor };

    public static void Eventually(Func<bool> condition, string what) =>
        Assert.True(SpinWait.SpinUntil(condition, Patience), $"Timed out waiting until {what}.");

    /// <summary>Starts a task that hangs until canceled and waits until its body runs in a worker process (its
    /// frame delivered), so that killing that worker must fault it.</summary>
    public static TaskHandle<int> StartHangInWorker(TaskSupervisor supervisor)
    {
        string marker = Path.Combine(Path.GetTempPath(), $"atasker-hang-{Guid.NewGuid():N}");
        var hung = RemoteTasks.StartHangAfterMarking(marker, supervisor.Options());
        try
        {
            Eventually(() => File.Exists(marker), "the hanging body runs in a worker process");
        }
        finally
        {
            File.Delete(marker);
        }

        Assert.Equal(TaskState.Started, hung.State);
        return hung;
    }

    public static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

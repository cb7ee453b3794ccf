using Atasker.Testing;
using System.Diagnostics;

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

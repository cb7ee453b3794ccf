using System.ComponentModel;
using System.Threading.Tasks;

namespace Atasker.CompilerServices;

/// <summary>Helpers of the generated <c>XWorker</c> properties. Not meant to be called by hand.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WorkerLauncher
{
    /// <summary>A body's Task as the ValueTask a worker takes; a null Task fails the execution with a clear message.</summary>
    public static ValueTask FromTask(Task? task) => new(task ?? throw TaskLauncher.NullTask());

    /// <summary>A body's Task&lt;bool&gt; as the ValueTask&lt;bool&gt; a worker takes.</summary>
    public static ValueTask<bool> FromTask(Task<bool>? task) => new(task ?? throw TaskLauncher.NullTask());
}

namespace Atasker;

/// <summary>The async pool's executor: an admitted async task starts on the loop it was submitted for.</summary>
internal sealed class LoopExecutor : IExecutor
{
    public static readonly LoopExecutor Instance = new();

    private LoopExecutor()
    {
    }

    public void Dispatch(TaskHandle item) => ((IAsyncTask)item).Loop!.Schedule(item);
}

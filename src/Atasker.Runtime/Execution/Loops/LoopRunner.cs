namespace Atasker;

/// <summary>The async pool's runner: an admitted async task starts on the loop it was submitted for.</summary>
internal sealed class LoopRunner : IDispatchRunner
{
    public static readonly LoopRunner Instance = new();

    private LoopRunner()
    {
    }

    public void Dispatch(TaskHandle item) => ((IAsyncTask)item).Loop!.Schedule(item);
}

using System.Text;

namespace Catga.Redis.Tests.Protocol;

/// <summary>A structural rendering of a reply, to compare parses of the same frame.</summary>
internal static class ReplyRendering
{
    public static string Render(RedisReply reply)
    {
        var text = new StringBuilder();
        Render(reply, text);
        return text.ToString();
    }

    private static void Render(RedisReply reply, StringBuilder text)
    {
        if (reply.Attributes is { } attributes)
        {
            text.Append("attrs[");
            foreach (RedisReply attribute in attributes)
            {
                Render(attribute, text);
                text.Append(',');
            }

            text.Append(']');
        }

        text.Append(reply.Type).Append(':');
        if (reply.IsAggregate)
        {
            text.Append('[');
            foreach (RedisReply item in reply.Elements)
            {
                Render(item, text);
                text.Append(',');
            }

            text.Append(']');
        }
        else
        {
            text.Append(reply.ToString());
        }
    }
}

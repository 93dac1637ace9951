import Foundation
import SluiceAPI

/// The requests the routing bench decides on and sends: a typical three-turn chat, a ~200-character
/// question and a 2,000-character question. None asks for images, tools, JSON or reasoning, none is in
/// Chinese and none is long, so no rule of ``RoutingRuleSet`` matches them.
enum RoutingSamples {
    /// The system prompt every sample carries.
    static let system = "You are a helpful assistant for an online bookshop. Answer briefly and politely, in the customer's language."

    /// A three-turn conversation with a system prompt; the last question is about 200 characters.
    static func threeTurnChat(model: String) -> ChatRequest {
        ChatRequest(model: model, messages: [
            .text(.system, system),
            .text(.user, "Hi! Do you have any books about sourdough baking for beginners?"),
            .text(.assistant, "Yes. Three popular choices are 'Flour Water Salt Yeast', 'The Perfect Loaf' and 'Sourdough' by Sarah Owens. All three are in stock."),
            .text(.user, "Which of those is best if I only have time to bake on weekends?"),
            .text(.assistant, "'The Perfect Loaf' has schedules that fit a Saturday-to-Sunday rhythm, so it suits weekend bakers well."),
            .text(.user, "Great, I'll take that one. How long does delivery to Lyon usually take, and can I pay by bank transfer if I order it this evening? I need it before my sister's birthday next Friday."),
        ])
    }

    /// A one-question request (with the system prompt) whose question is about 200 characters.
    static func shortQuestion(model: String) -> ChatRequest {
        question(shortQuestionText, model: model)
    }

    /// A one-question request (with the system prompt) whose question is 2,000 characters: the most of
    /// a question that ``SluiceRouting/RequestFeatures`` keeps for the discriminator.
    static func longQuestion(model: String) -> ChatRequest {
        question(longQuestionText, model: model)
    }

    static let shortQuestionText =
        "My team keeps arguing about whether to store timestamps in UTC or in local time in our booking database. What are the practical trade-offs, and which one would you pick for a small hotel chain of six houses?"

    /// Paragraphs of a support question, cut to exactly 2,000 characters.
    static let longQuestionText: String = {
        let paragraphs = [
            "I run the warehouse side of a small online bookshop and I am trying to understand why our nightly stock import sometimes takes four hours instead of the usual forty minutes.",
            "The import reads a CSV file from our distributor with about 180,000 rows, one per edition, with the ISBN, title, price, quantity on hand and the date of the last change.",
            "We load it into a staging table, compare it with the live catalogue, and then update prices and quantities for the rows that changed, usually between five and twenty thousand.",
            "On slow nights the database server shows high disk activity but the CPU is mostly idle, and the slow part always seems to be the comparison step rather than the load itself.",
            "Our catalogue table has an index on the ISBN, another on the title for the search page, and a third on the date of the last change that a reporting script uses once a week.",
            "The staging table has no indexes at all, because a colleague said that indexes slow down bulk loads, and we drop and recreate it every night before the import starts.",
            "Last month we also started keeping a history of every price change in a separate table, with a trigger on the catalogue that writes a row whenever the price column is updated.",
            "The slow nights do not line up with the size of the file, but they do seem to follow days when the marketing team has run a large discount campaign on the website.",
            "Could you explain what is most likely going on, what I should measure first to confirm it, and which changes to the import or the tables would make it reliably fast again?",
            "If it helps, we use PostgreSQL 15 on a virtual machine with four cores, sixteen gigabytes of memory and network-attached storage, and the import runs as a single transaction.",
            "I would also like to know whether splitting the update into batches would be safer, and how to keep the website responsive while the import is running late in the evening.",
            "Finally, is there a simple way to get an alert when the import is still running at six in the morning, so that the first shift in the warehouse knows the stock figures are not yet up to date?",
        ]
        let text = paragraphs.joined(separator: " ")
        precondition(text.count >= 2_000, "the long question needs at least 2,000 characters")
        return String(text.prefix(2_000))
    }()

    private static func question(_ text: String, model: String) -> ChatRequest {
        ChatRequest(model: model, messages: [.text(.system, system), .text(.user, text)])
    }

    /// A request as the JSON body a client sends.
    static func json(_ request: ChatRequest) throws -> String {
        let data = try JSONEncoder().encode(request)
        guard let text = String(data: data, encoding: .utf8) else { throw BenchError("a sample request is not UTF-8") }
        return text
    }
}

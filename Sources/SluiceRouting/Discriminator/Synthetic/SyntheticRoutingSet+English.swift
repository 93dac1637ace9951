extension SyntheticRoutingSet.Phrases {
    static let english = SyntheticRoutingSet.Phrases(
        easy: [
            "Hi! How are you doing today?", "Thanks, {name}, that was really helpful.",
            "What's the weather usually like in {city} in {month}?", "Tell me a joke about {animal}s.",
            "What is the capital of {country}?", "How do you say 'good morning' in {language}?",
            "Can you recommend a {genre} movie for tonight?", "How long should I boil an egg?",
            "Write a short birthday message for my {relative}.", "What time zone is {city} in?",
            "Give me {n} name ideas for a pet {animal}.", "What's a good recipe for {food} for {n} people?",
            "Good morning! Any tips for a relaxing weekend in {city}?",
            "Is it rude to be {n} minutes late to dinner with my {relative}?",
            "Why do so many people like {food}?", "What rhymes with {animal}?",
            "Plan a {n}-day trip to {country} for me and my {relative}.", "What should I pack for {city} in {month}?",
        ],
        distractors: [
            "I have a math exam on {month} {day}, wish me luck!", "My {relative} says coding is fun. Do you agree?",
            "What does the word 'algorithm' mean?", "Is {plang} a popular programming language?",
            "Which is bigger, {n} or {m}?", "What is {n} plus {m}?", "Who invented the computer?",
            "Should I learn {plang} or {plang} first?", "Is a math degree useful for a job in {city}?",
        ],
        hard: [
            "Prove that {claim}.", "Can you prove that there are infinitely many primes of the form {n}k+1?",
            "Derive the {formula} from first principles.",
            "Optimize this {algo} so that it handles {big} items in under {n} ms.",
            "What is the asymptotic complexity of {algo} in the worst case?",
            "Give a rigorous proof of the {theorem} theorem.", "State and prove the key lemma behind {algo}.",
            "Evaluate the integral of {function} from 0 to {n}.",
            "Refactor the {system} service to remove the race condition in its concurrency model.",
            "Explain why {algo} runs in {bound} time and derive the recurrence.",
            "Compute the eigenvalues of the matrix [[{n}, 1], [1, {m}]] and prove they are real.",
            "Design a linearizable concurrent queue for our {system} service.",
        ],
        code: [
            "Why does this {plang} code crash?\n```\n{snippet}\n```",
            "Can you explain what this does?\n```\n{snippet}\n```",
            "Fix the bug here:\n```\n{snippet}\n```\nIt fails when the input is {n}.",
            "{name} wrote this and it hangs:\n```\n{snippet}\n```",
        ],
        replies: [
            "Sure, here you go.", "Happy to help!", "Here's what I found.", "Of course. Anything else?",
            "Good question! In short: yes.", "I'd suggest trying {food}.", "That's about {n} minutes.",
        ],
        prefixes: [
            "Quick question: ", "Hey {name}, ", "Sorry to bother you, but ", "I was wondering: ", "Okay, next one. ",
            "So, ", "Hello again! ", "My {relative} asked me this: ",
        ],
        suffixes: [
            " Thanks!", " Please keep it short.", " I need it by {month} {day}.", " Answer in {n} sentences.",
            " No rush.", " :)", " This is for a school project.",
        ],
        slots: [
            ("{snippet}", snippets),
            ("{claim}", [
                "the square root of {p} is irrational", "every bounded monotone sequence converges",
                "the sum of the first {n} odd numbers is a perfect square", "a group of prime order is cyclic",
                "there is no largest prime",
            ]),
            ("{formula}", [
                "quadratic formula", "Black-Scholes equation", "variance of a sum of random variables",
                "gradient of the softmax cross-entropy loss", "Euler-Lagrange equation",
            ]),
            ("{algo}", [
                "quicksort", "Dijkstra's algorithm", "merge sort", "a trie lookup", "union-find",
                "the Floyd-Warshall algorithm", "binary search", "a B-tree insert",
            ]),
            ("{theorem}", ["Pythagorean", "fundamental", "Bayes", "Cauchy-Schwarz", "central limit", "Fermat's little"]),
            ("{function}", ["x^2 e^-x", "sin(x)/x", "1/(1+x^2)", "x log x", "e^(-x^2)"]),
            ("{system}", ["payments", "inventory", "chat", "search", "billing", "notification"]),
            ("{bound}", ["O(n log n)", "O(n^2)", "logarithmic", "linear"]),
            ("{city}", [
                "Paris", "Tokyo", "Lima", "Oslo", "Cairo", "Denver", "Madrid", "Seoul", "Nairobi", "Toronto", "Hanoi",
                "Dublin", "Austin", "Lisbon", "Prague", "Sydney",
            ]),
            ("{country}", [
                "France", "Japan", "Peru", "Norway", "Egypt", "Kenya", "Chile", "Canada", "Vietnam", "Ireland",
                "Portugal", "Poland", "Brazil", "Greece",
            ]),
            ("{animal}", [
                "cat", "penguin", "giraffe", "otter", "parrot", "hedgehog", "dolphin", "llama", "koala", "squirrel",
                "goat", "owl",
            ]),
            ("{language}", ["Spanish", "German", "Italian", "Korean", "Swahili", "Dutch", "Turkish", "Greek"]),
            ("{month}", [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ]),
            ("{name}", [
                "Alice", "Ben", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena",
                "Mateo", "Noor", "Omar", "Priya",
            ]),
            ("{relative}", ["mom", "dad", "sister", "brother", "grandma", "uncle", "cousin", "best friend", "boss"]),
            ("{genre}", ["comedy", "horror", "sci-fi", "romance", "documentary", "animated", "thriller", "western"]),
            ("{food}", ["pasta", "tacos", "dumplings", "curry", "pancakes", "sushi", "soup", "salad"]),
            ("{plang}", ["Swift", "Python", "Rust", "Go", "Java", "Kotlin", "TypeScript", "C++"]),
        ])
}

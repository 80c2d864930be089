"""The words the directive reader knows, as plain tables.

Everything the reader recognises in a Vietnamese directive is listed here: how a unit's name
starts and goes on, which words end it, which headings hold no tasks, which sentences are
boilerplate, which OCR slips to mend. The code in the other modules walks these tables; to teach
the reader a new word, add it here.

Words are written lower-case with diacritics; matching folds case (and a few spelling variants of
the same syllable, see SPELLING_VARIANTS) but keeps diacritics, so "Sở" never matches "Số".
"""

# --- Text clean-up ----------------------------------------------------------------------------

# Obvious OCR and typing slips, mended before anything else: (wrong, right). Whole words only.
OCR_FIXES = [
    ("Bureau điện", "Bưu điện"),
    ("Bru điện", "Bưu điện"),
    ("Buu điện", "Bưu điện"),
    ("Bưu diện", "Bưu điện"),
    ("GAO CHỈ TIÊU", "GIAO CHỈ TIÊU"),
    ("UBNĐ", "UBND"),
]

# The same syllable with the tone mark on another vowel ("Uỷ" / "Ủy"): folded before matching.
SPELLING_VARIANTS = [
    ("uỷ", "ủy"), ("thuỷ", "thủy"), ("hoà", "hòa"), ("hoá", "hóa"), ("hoả", "hỏa"), ("hoạ", "họa"),
    ("khoẻ", "khỏe"), ("toà", "tòa"), ("qũy", "quỹ"), ("quỵ", "quỵ"),
]

# --- Document header and closing --------------------------------------------------------------

# Quốc hiệu and Tiêu ngữ, tolerant of lost accents, dashes and spaces ("CỘNG HÒA XàHỘI …").
NATIONAL_TITLE = r"C[ỘO]NG\s+H[ÒOÀ]A\s+X\S{0,2}\s*H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM"
MOTTO = r"Độc\s+lập\s*[-–—]?\s*Tự\s+do\s*[-–—]?\s*Hạnh\s+phúc"

# Header phrases that text extraction breaks over two lines ("UỶ BAN NHÂN" / "DÂN", "Số:" /
# "06/2024/QĐ-UBND", "Kon Tum, ngày 25" / "tháng 01 năm 2024"): the two lines are joined again.
BROKEN_HEADER_PHRASES = [
    r"(?:ỦY|UỶ|ỦY)\s+BAN\s+NHÂN\s+DÂN", r"HỘI\s+ĐỒNG\s+NHÂN\s+DÂN", r"(?<!\w)Số\s*:\s*\S",
    r",\s*ngày\s*\d{0,2}\s*(?:tháng|/)", r"ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*\d{4}",
]

# Titles of documents that carry their subject on the lines below (Nghị định 30, Phụ lục III).
DOCUMENT_TYPES = [
    "kế hoạch", "chỉ thị", "công điện", "thông báo", "quyết định", "hướng dẫn", "chương trình",
    "phương án", "báo cáo", "nghị quyết", "kết luận", "công văn", "giấy mời", "tờ trình", "quy chế",
    "quy định", "đề án", "thông tri",
]

# Titles of a document attached after the signature ("Quyết định ban hành Kế hoạch" with the plan
# below it), and the line that says so: "(Ban hành kèm theo Quyết định số …)".
ATTACHMENT_TITLES = [
    "kế hoạch", "quy chế", "quy định", "chương trình", "phương án", "đề án", "hướng dẫn", "danh mục",
    "phụ lục",
]
ATTACHMENT_NOTE = r"^\(?\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\b"

# Urgency and secrecy marks printed above or beside the header: not part of the issuer's name.
URGENCY_MARKS = ["hỏa tốc", "thượng khẩn", "khẩn", "tối mật", "mật", "tuyệt mật"]

# The words that start the body of a directive (căn cứ, context, purpose).
PREAMBLE_OPENERS = [
    "thực hiện", "căn cứ", "theo", "để", "xét", "tiếp theo", "trong thời gian qua", "thời gian qua",
    "nhằm", "qua", "hiện nay", "trước tình hình", "ngày", "vừa qua", "trong những năm qua",
    "triển khai", "thời gian gần đây", "tiếp tục", "sau khi", "trên cơ sở",
]

# Kinds of document a legal basis can be: "Chỉ thị số 21/CT-TTg ngày 25/11/2022 …".
LEGAL_BASIS_TYPES = [
    "luật", "bộ luật", "nghị quyết", "nghị định", "quyết định", "chỉ thị", "thông tư", "kế hoạch",
    "công văn", "công điện", "thông báo", "kết luận", "hướng dẫn", "văn bản", "chương trình",
    "đề án", "pháp lệnh", "thông tư liên tịch", "quy định",
]

# The signature block: authority prefixes ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH").
SIGNATURE_PREFIXES = ["tm.", "kt.", "tl.", "tuq.", "q.", "thừa lệnh", "thay mặt", "ký thay"]

# --- Layout -----------------------------------------------------------------------------------

# Headings of sections that hold no tasks (a plan's aims, its funding, the situation so far).
NON_TASK_SECTIONS = [
    "mục đích", "yêu cầu", "mục tiêu", "kinh phí", "căn cứ", "tình hình", "kết quả", "đánh giá",
    "thực trạng", "đặc điểm", "quan điểm", "phạm vi", "đối tượng", "nguyên tắc", "sự cần thiết",
    "cơ sở pháp lý", "bối cảnh", "nguồn lực",
]
# Headings of sections whose items are tasks even when an item names no unit.
TASK_SECTIONS = [
    "nhiệm vụ", "giải pháp", "tổ chức thực hiện", "phân công", "nội dung", "trách nhiệm",
    "chế độ báo cáo", "chế độ thông tin", "chế độ thông tin, báo cáo",
]

# Verbs with which the issuer hands a duty to the units named after them: "UBND tỉnh giao Sở Y tế …".
HANDING_VERBS = ["giao", "yêu cầu", "đề nghị"]
# A subject followed by these only cooperates: "Các sở, ngành liên quan phối hợp thực hiện."
COOPERATING_SUBJECT_VERBS = ["phối hợp", "cùng phối hợp", "tham gia phối hợp"]

# Words in front of a unit heading or a unit subject that hand it the duty.
LEAD_PREFIXES = ["giao", "đối với", "đề nghị", "yêu cầu", "trách nhiệm của", "về phía"]

# Labels of an item that informs rather than asks ("1. Thời gian: 8 giờ …", "2. Địa điểm: …"), as in
# an invitation or a notice: never a task.
INFO_LABELS = [
    "thời gian", "địa điểm", "thành phần", "thành phần mời", "nội dung", "người tiếp", "người tiếp công dân",
    "hình thức", "đối tượng", "phạm vi", "chủ trì", "chủ trì hội nghị", "đầu mối liên hệ", "liên hệ",
    "trang phục", "lưu ý", "ghi chú", "kinh phí",
]

# Titles of people that stand for their unit: "Giám đốc Sở Y tế" is Sở Y tế's duty.
PERSON_TITLES = [
    "giám đốc", "thủ trưởng", "chủ tịch", "trưởng", "người đứng đầu", "chánh", "phó giám đốc",
    "bí thư", "cục trưởng", "chi cục trưởng", "tổng giám đốc",
]

# Paragraphs that state a period or a deadline for the section (or the whole document) they sit
# in, instead of being tasks themselves: "Thời gian thực hiện: từ ngày … đến hết ngày …".
STATEMENT_OPENERS = [
    "thời gian thực hiện", "thời gian hoàn thành", "thời hạn hoàn thành", "thời hạn thực hiện",
    "thời gian", "thời hạn", "hoàn thành trước", "hoàn thành trong", "tiến độ thực hiện",
    "tiến độ hoàn thành",
]

# Closing sentences that only urge everyone on: never tasks. Matched on the folded sentence.
BOILERPLATE = [
    "nghiêm túc triển khai thực hiện", "triển khai thực hiện nghiêm túc", "nghiêm túc thực hiện",
    "thực hiện nghiêm túc", "khó khăn, vướng mắc", "khó khăn vướng mắc", "tổ chức thực hiện có hiệu quả",
    "triển khai thực hiện có hiệu quả", "quan tâm phối hợp", "trân trọng", "để biết",
    "biết, thực hiện", "biết và thực hiện", "nghiêm túc, hiệu quả", "khẩn trương và nghiêm túc",
    "chủ động triển khai thực hiện", "căn cứ chức năng, nhiệm vụ", "chịu trách nhiệm trước",
    "chịu trách nhiệm thi hành", "có hiệu lực kể từ", "có hiệu lực thi hành",
    "tại phụ lục kèm theo", "chi tiết tại phụ lục", "chi tiết theo phụ lục", "theo phụ lục đính kèm",
    "theo chức năng, nhiệm vụ được giao, chủ động",
]

# Openings of closing sentences: boilerplate only at the start ("kể từ ngày nhận được văn bản
# này" is a deadline, "Nhận được văn bản này, yêu cầu …" is not).
BOILERPLATE_OPENINGS = [
    "nhận được văn bản này", "nhận được công văn này", "nhận được kế hoạch này", "trên đây là",
    "quá trình thực hiện", "trong quá trình thực hiện, nếu", "đây là nhiệm vụ", "đây là việc",
]

# Closing sentences whose whole predicate is "(khẩn trương) triển khai thực hiện (nghiêm túc)":
# never tasks. Patterns on the folded sentence's end.
BOILERPLATE_ENDINGS = [
    r"(?:khan truong|nghiem tuc|kip thoi|chu dong|dong bo)?\s*(?:va\s+)?(?:nghiem tuc\s+)?(?:trien khai\s+)?"
    r"(?:to chuc\s+)?thuc hien(?:\s+(?:nghiem tuc|hieu qua|dung quy dinh|cac noi dung tren|noi dung tren|"
    r"cong van nay|ke hoach nay|chi thi nay|van ban nay|theo quy dinh))*\s*$",
]

# Words after a subject that make the sentence the issuer speaking ("UBND tỉnh yêu cầu …") or a
# report of what was done ("Sở Tài chính đã thẩm định …"), not a duty given to that subject.
ISSUER_VOICE = [
    "yêu cầu", "đề nghị", "thông báo", "trân trọng", "kính đề nghị", "kính gửi", "có ý kiến", "giao",
    "chỉ đạo như sau", "ban hành", "nhận được", "báo cáo kết quả như sau", "đã", "đang", "vừa",
    "cho biết", "kính",
]

# --- Units ------------------------------------------------------------------------------------

# How a unit's name starts. A head marked True may stand alone ("Bưu điện", "Công an");
# a head marked False needs a name after it ("Sở Y tế", never "Sở" alone nor "Ban hành").
UNIT_HEADS = {
    "ủy ban nhân dân": True, "ubnd": True, "hội đồng nhân dân": True, "hđnd": True,
    "ủy ban mặt trận tổ quốc việt nam": True, "ủy ban mttq việt nam": True, "ủy ban mttq": True,
    "ủy ban mặt trận tổ quốc": True, "mặt trận tổ quốc việt nam": True, "mặt trận tổ quốc": True,
    "mttq": True, "bưu điện": True, "công an": True, "bảo hiểm xã hội": True, "bhxh": True,
    "kho bạc nhà nước": True, "kho bạc": False, "thanh tra": True, "tỉnh ủy": True, "huyện ủy": True,
    "thành ủy": True, "thị ủy": True, "đảng ủy": True, "tỉnh đoàn": True, "huyện đoàn": True,
    "công đoàn": True, "viettel": True, "vnpt": True, "mobifone": True, "vinaphone": True,
    "điện lực": True, "tòa án nhân dân": True, "viện kiểm sát nhân dân": True,
    "bộ chỉ huy": False, "ban chỉ huy": False, "bộ đội biên phòng": True, "cảnh sát": False,
    "tổ công tác": True, "ban chỉ đạo": True, "ban quản lý": False, "văn phòng": False,
    "trung tâm": False, "sở": False, "phòng": False, "ban": False, "bộ": False, "cục": False,
    "chi cục": False, "tổng cục": False, "trạm": False, "ngân hàng": False, "liên đoàn": False, "hội": False,
    "đoàn": False, "đài": False, "báo": False, "tổ": False, "đội": False, "trường": False,
    "bệnh viện": False, "viện": False, "chi nhánh": False, "công ty": False, "tổng công ty": False,
    "tập đoàn": False, "hạt kiểm lâm": True, "chi cục kiểm lâm": True, "quân sự": False,
    "cơ quan thường trực": False, "cơ quan": False, "ủy ban": False, "hội đồng": False,
    "ban dân tộc": True, "ban tuyên giáo": False, "ban dân vận": False, "ban tổ chức": False,
}

# Words that begin like a unit but are not one: "Tổ chức hội nghị", "TỔ CHỨC THỰC HIỆN".
NOT_UNITS = [
    "tổ chức", "ban hành", "hội nghị", "hội thảo", "báo cáo", "phòng, chống", "phòng chống", "đoàn kết",
    "đội ngũ", "trường hợp", "cơ quan chức năng", "văn phòng phẩm", "đài thọ", "sở hữu",
]

# Multi-syllable names the reader may find after a head, written lower-case: each gives the
# pairs of neighbouring syllables that may follow one another inside a name ("tài" → "chính").
UNIT_NAME_PHRASES = [
    "tài chính", "y tế", "tư pháp", "nội vụ", "xây dựng", "giao thông vận tải", "công thương",
    "ngoại vụ", "giáo dục và đào tạo", "giáo dục", "đào tạo", "nông nghiệp và phát triển nông thôn",
    "nông nghiệp và môi trường", "tài nguyên và môi trường", "kế hoạch và đầu tư", "văn hóa",
    "thể thao", "du lịch", "văn hóa, thể thao và du lịch", "thông tin và truyền thông",
    "khoa học và công nghệ", "lao động", "thương binh", "xã hội", "dân tộc và tôn giáo", "dân tộc",
    "tôn giáo", "kinh tế", "hạ tầng", "kinh tế - hạ tầng", "quản lý đô thị", "chỉ đạo", "chỉ huy",
    "quân sự", "biên phòng", "kiểm lâm", "thuế", "hải quan", "thống kê", "phát thanh",
    "truyền hình", "phát thanh và truyền hình", "liên hiệp phụ nữ", "phụ nữ", "nông dân",
    "cựu chiến binh", "chữ thập đỏ", "thanh niên", "thanh niên cộng sản hồ chí minh", "dân số",
    "kế hoạch hóa gia đình", "y tế dự phòng", "kiểm soát bệnh tật", "phát triển quỹ đất",
    "dịch vụ việc làm", "trợ giúp pháp lý", "phục vụ hành chính công", "hành chính công",
    "cảnh sát", "quản lý hành chính về trật tự xã hội", "cảnh sát quản lý hành chính",
    "qlhc về ttxh", "đề án", "chính sách xã hội", "nhà nước", "tổ quốc", "mặt trận", "chính trị",
    "đăng ký đất đai", "giáo dục nghề nghiệp", "giáo dục thường xuyên", "cứu hộ cứu nạn",
    "phòng cháy chữa cháy", "phòng cháy, chữa cháy và cứu nạn, cứu hộ", "cấp nước", "môi trường",
    "bảo vệ thực vật", "chăn nuôi và thú y", "thủy lợi", "quản lý thị trường", "an toàn thực phẩm",
    "văn hóa - thông tin", "văn hóa - xã hội", "tài chính - kế hoạch", "tư pháp - hộ tịch",
    "địa chính - xây dựng", "công an", "nhân dân", "hội đồng nhân dân", "ủy ban nhân dân",
    "tuyên giáo", "dân vận", "kiểm tra", "tổ chức", "công nghệ thông tin", "chuyển đổi số",
    "viễn thông", "bưu chính", "công tác", "thường trực", "điều phối", "dịch vụ công",
    "quản lý dự án", "đầu tư xây dựng", "nội chính", "phòng chống tham nhũng", "tiếp công dân",
    "trật tự", "an toàn giao thông", "quy hoạch", "hộ tịch", "bảo trợ xã hội", "người có công",
    "hđnd và ubnd", "khai thác công trình thủy lợi", "trồng trọt và bảo vệ thực vật", "trồng trọt",
    "kế hoạch - tài chính", "tài chính - kế hoạch", "đăng ký đất đai", "thanh tra", "tiếp công dân",
    "phát triển nông thôn", "thông tin cơ sở", "giám định", "kiểm định", "môi trường",
    "bộ đội biên phòng", "đbqh và hđnd", "đoàn đbqh và hđnd", "chính sách xã hội", "khu kinh tế",
    "khu công nghiệp",
]

# Administrative levels and the place after them: "tỉnh Quảng Trị", "huyện Tuần Giáo", "cấp xã".
LEVEL_WORDS = [
    "thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường", "đặc khu",
    "cấp tỉnh", "cấp huyện", "cấp xã", "cấp cơ sở", "các cấp", "cùng cấp", "cơ sở", "khu vực",
    "cấp bản", "thôn", "bản", "tổ dân phố", "trung ương", "chi nhánh",
]

# Kinds of unit a group phrase lists after "các": "UBND các huyện, thị xã, thành phố",
# "các sở, ban, ngành", "các cơ quan, đơn vị, địa phương liên quan".
GROUP_KINDS = [
    "sở", "ban", "ngành", "ban ngành", "sở ngành", "cơ quan", "đơn vị", "địa phương", "doanh nghiệp",
    "tổ chức", "đoàn thể", "hội", "hội đoàn thể", "phòng", "phòng ban", "huyện", "thị xã",
    "thành phố", "quận", "xã", "phường", "thị trấn", "đặc khu", "ngân hàng", "trường", "cơ sở",
    "tổ công tác", "thành viên", "bộ", "nhà mạng", "bưu cục", "trạm y tế", "tổ chức chính trị - xã hội",
    "cơ quan chuyên môn", "cơ quan báo chí", "lực lượng", "cấp", "thôn", "bản", "tổ dân phố",
    "ban quản lý", "trung tâm", "chi nhánh", "khu công nghiệp", "khu kinh tế", "cụm công nghiệp",
    "tổ chức tín dụng", "cơ sở y tế", "cơ sở giáo dục", "chủ đầu tư", "ban quản lý dự án",
]
# Words that may close a group phrase: "liên quan", "trên địa bàn tỉnh", "thuộc tỉnh".
GROUP_TAILS = [
    "có liên quan", "liên quan", "chuyên môn", "bưu chính, viễn thông", "bưu chính", "viễn thông", "thương mại",
    "trực thuộc",
    "thuộc tỉnh", "thuộc huyện", "thuộc ubnd tỉnh", "thuộc ubnd huyện", "chính trị - xã hội",
    "cấp tỉnh", "cấp huyện", "cấp xã", "cấp cơ sở", "của tỉnh", "của huyện", "trên địa bàn",
    "tỉnh", "huyện", "xã", "các cấp", "cùng cấp", "thành viên", "đoàn thể",
]

# Syllables after which a number belongs to the name: "Đề án 06", "Quân khu 4", "Đội 2".
NUMBERED_NAME_WORDS = ["án", "khu", "đội", "tổ", "phường", "vùng", "đoàn"]

# --- Roles ------------------------------------------------------------------------------------

# Words after which the named units cooperate on the task: "chủ trì, phối hợp với X".
COOPERATION_CUES = [
    "phối hợp chặt chẽ với", "phối hợp chặt chẽ", "phối hợp với", "phối hợp cùng", "phối hợp",
    "cùng phối hợp với",
]
# Verbs that hand a duty on to someone else: what follows them, up to the end of the sentence,
# is the delegate's duty, so units named there neither lead nor cooperate on the item.
DELEGATION_CUES = ["chỉ đạo", "giao", "hướng dẫn", "yêu cầu", "đề nghị", "đôn đốc"]
# People a duty can be handed on to, as the object of "chỉ đạo"/"giao" ("chỉ đạo công chức địa chính
# …"): what follows is their duty, as when a unit is named.
DELEGATE_PEOPLE = [
    "công chức", "cán bộ", "viên chức", "lực lượng", "bộ phận", "đồng chí", "tổ", "các", "người",
    "trưởng", "thành viên", "nhân viên", "đội ngũ", "chủ tịch", "giám đốc", "thủ trưởng",
]
# Words that make "chỉ đạo" a noun or a name, not a verb: "sự chỉ đạo", "Ban Chỉ đạo".
NOT_DELEGATION_BEFORE = ["sự", "theo", "dưới sự", "chịu sự", "ban", "công tác", "nội dung"]

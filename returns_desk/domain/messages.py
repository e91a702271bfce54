"""What the program says to people, in English and Simplified Chinese.

Services and the command line speak through :func:`say`; the window (Qt) has its own
translation files, but shares these texts for verdict reasons so both say the same thing.
"""

from __future__ import annotations

LANGS = ("en", "zh_CN")

_EN: dict[str, str] = {
    # verdict labels
    "verdict_recalled": "RECALLED",
    "verdict_check_required": "CHECK REQUIRED",
    "verdict_not_affected": "NOT AFFECTED",
    "verdict_not_recalled": "NOT RECALLED",
    "verdict_unknown": "UNKNOWN",
    "need_batch_code": "batch code",
    "need_manufacture_date": "manufacture date",
    "need_serial": "serial number",
    # lookup reasons
    "no_model_number": "No model number found in what was typed. Type the model number printed on the unit.",
    "model_not_listed": "{input!r} is not on any recall list in catalogue {version}. Not listed does not mean safe: check the number on the unit.",
    "not_recalled_here": "{model} is not recalled in market {market} (catalogue {version}).",
    "not_recalled_elsewhere": "{model} is not recalled in market {market} (catalogue {version}); it is recalled in {elsewhere}.",
    "rule_all_units": "Every unit of {model} is recalled: {title}.",
    "rule_manufacturer_needs_serial": "{model} is recalled at model level: {title}. {brand} decides from the serial number; record the serial. Status stays pending manufacturer confirmation.",
    "rule_manufacturer_serial_given": "{model} is recalled at model level: {title}. Serial recorded; status pending {brand}'s confirmation.",
    "rule_needs_date": "{model} is recalled only if made within {windows}: {title}. Enter the manufacture date.",
    "rule_date_inside": "Made {made}, inside the recall window {windows}: {title}.",
    "rule_date_outside": "Made {made}, outside the recall window {windows}: not affected by {title}.",
    "rule_needs_batch": "{model} is recalled only for listed batches: {title}. Enter the batch code from the label.",
    "rule_date_inside_needs_batch": "Made {made}, inside {windows}; the batch code decides: {title}. Enter the batch code.",
    "rule_batch_listed": "Batch {batch} is listed: {title}.",
    "rule_batch_not_listed": "Batch {given} is not among the listed batches of {model}: not affected by {title}.",
    "rule_batch_date_conflict": "Batch {batch} is listed, but the date {made} lies outside {windows}. Check the label again: {title}.",
    "confirmation_manufacturer": "pending manufacturer confirmation",
    "confirmation_none": "confirmed by the recall's published scope",
    # serial checks
    "serial_empty": "The serial number is empty.",
    "serial_forbidden_letters": "{model} serial numbers never contain the letter(s) {letters}.",
    "serial_length": "The serial has {length} characters; {model} serial numbers have {expected}.",
    # money and return validation
    "amount_invalid": "Amount {value!r} is not a number of {currency} (for example 149.00).",
    "amount_negative": "The amount cannot be negative.",
    "amount_precision": "{currency} amounts have at most {digits} decimal places.",
    "amount_too_large": "The amount {value} is larger than any return can be.",
    "amount_required": "Enter the amount for a {remedy}.",
    "amount_over_bound": "{amount} is more than the {bound} allowed for a {remedy} of {model}; a manager override with a reason is needed.",
    "remedy_invalid": "Remedy must be one of: refund, replacement, voucher.",
    "remedy_not_allowed": "The recall {recall} allows {allowed}, not {remedy}.",
    "condition_invalid": "Condition must be one of: intact, swollen, hot, leaking, burnt, damaged.",
    "condition_hot": "A hot or smoking unit stops the return: do not touch it, move people away and follow the store's fire procedure.",
    "model_required": "Enter the model number.",
    "model_not_found": "{input!r} is not a model in catalogue {version}.",
    "not_returnable": "{model} is {verdict} in market {market}: there is no recall to record a return against.",
    "needs_identifier": "The verdict is CHECK REQUIRED: enter the {needs} first.",
    "serial_invalid": "Serial {serial}: {error}",
    "duplicate_serial": "Serial {serial} of {model} was already returned on ticket {ticket}. A manager override with a reason is needed.",
    "override_reason_required": "An override needs a reason.",
    "text_too_long": "{field} is longer than {max} characters.",
    "time_invalid": "Time {value!r} is not an ISO time like 2025-07-01T10:30:00+08:00.",
    "date_invalid": "{value!r} is not a date (YYYY-MM-DD).",
    "market_invalid": "Market must be one of CN, US, CA, AU, JP.",
    "clerk_required": "Name the clerk.",
    "ticket_not_found": "There is no return with ticket {ticket}.",
    "already_void": "Ticket {ticket} is already void.",
    "void_reason_required": "A void needs a reason.",
    # command line and database
    "db_missing_folder": "Cannot create the database: folder {folder} does not exist.",
    "db_not_sqlite": "{path} is not a Returns Desk database (damaged or another kind of file). Restore it from a backup.",
    "db_damaged": "The database {path} is damaged ({detail}). Restore it from a backup; the file was not changed.",
    "db_locked": "The database {path} is locked by another program. Try again in a moment.",
    "db_readonly": "The database {path} is read-only ({detail}): look-ups work, but nothing can be saved.",
    "db_unreadable": "Cannot open the database {path}: {detail}",
    "db_too_new": "The database {path} was written by a newer Returns Desk (schema {found}, this version knows {known}). Update Returns Desk.",
    "db_full": "The disk is full or the database reached its size limit; nothing was saved.",
    "seed_missing": "The recall list seed {path} is missing. Reinstall Returns Desk.",
    "import_invalid": "{path}: {error}. The catalogue was not changed.",
    "import_unreadable": "Cannot read {path}: {detail}",
    "import_done": "Loaded catalogue {version}: {recalls} recalls, {models} models (was {old}).",
    "backup_done": "Backup written to {path}",
    "recorded": "{ticket}",
    "recalls_header": "Catalogue {version} ({source}, loaded {loaded})",
    "unknown_value": "unknown",
    "void_done": "Ticket {ticket} voided.",
    "proof_invalid": "Proof of purchase must be one of: none, receipt, order_number, photo.",
    "group_by_invalid": "Group by must be a comma-separated list of: day, clerk, brand, model, remedy.",
    "backup_target_exists": "{path} already exists; choose another file name.",
    "argument_not_utf8": "The argument {value} is not UTF-8 text; check the terminal's or the script's encoding. Nothing was done.",
}

_ZH: dict[str, str] = {
    "verdict_recalled": "召回",
    "verdict_check_required": "需进一步核对",
    "verdict_not_affected": "不在召回范围",
    "verdict_not_recalled": "未被召回",
    "verdict_unknown": "无法识别",
    "need_batch_code": "批次号",
    "need_manufacture_date": "生产日期",
    "need_serial": "序列号",
    "no_model_number": "输入中没有型号。请输入产品上印的型号。",
    "model_not_listed": "{input!r} 不在召回目录 {version} 的任何召回名单中。不在名单中并不代表安全，请核对产品上的型号。",
    "not_recalled_here": "{model} 在 {market} 市场未被召回（召回目录 {version}）。",
    "not_recalled_elsewhere": "{model} 在 {market} 市场未被召回（召回目录 {version}），但在 {elsewhere} 被召回。",
    "rule_all_units": "{model} 全部产品均在召回范围内：{title}。",
    "rule_manufacturer_needs_serial": "{model} 按型号列入召回：{title}。是否在范围内由{brand}根据序列号确认，请登记序列号；状态为“待厂家确认”。",
    "rule_manufacturer_serial_given": "{model} 按型号列入召回：{title}。序列号已登记，待{brand}确认。",
    "rule_needs_date": "{model} 仅召回生产日期在 {windows} 内的产品：{title}。请输入生产日期。",
    "rule_date_inside": "生产日期 {made} 在召回期间 {windows} 内：{title}。",
    "rule_date_outside": "生产日期 {made} 不在召回期间 {windows} 内，不受“{title}”影响。",
    "rule_needs_batch": "{model} 仅召回公告所列批次：{title}。请输入标签上的批次号。",
    "rule_date_inside_needs_batch": "生产日期 {made} 在 {windows} 内，须由批次号确定：{title}。请输入批次号。",
    "rule_batch_listed": "批次 {batch} 在召回名单中：{title}。",
    "rule_batch_not_listed": "批次 {given} 不在 {model} 的召回批次中，不受“{title}”影响。",
    "rule_batch_date_conflict": "批次 {batch} 在名单中，但生产日期 {made} 不在 {windows} 内。请再次核对标签：{title}。",
    "confirmation_manufacturer": "待厂家确认",
    "confirmation_none": "按公告范围确认",
    "serial_empty": "序列号为空。",
    "serial_forbidden_letters": "{model} 的序列号从不包含字母 {letters}。",
    "serial_length": "该序列号有 {length} 位，{model} 的序列号应为 {expected} 位。",
    "amount_invalid": "金额 {value!r} 不是有效的{currency}金额（例如 149.00）。",
    "amount_negative": "金额不能为负数。",
    "amount_precision": "{currency} 金额最多 {digits} 位小数。",
    "amount_too_large": "金额 {value} 超出任何退货可能的金额。",
    "amount_required": "请输入{remedy}金额。",
    "amount_over_bound": "{amount} 超过 {model} {remedy}允许的上限 {bound}，需经理授权并填写原因。",
    "remedy_invalid": "处理方式必须是：退款、换货、代金券之一。",
    "remedy_not_allowed": "召回 {recall} 允许的处理方式为 {allowed}，不包括 {remedy}。",
    "condition_invalid": "产品状况必须是：完好、鼓包、发热、漏液、烧焦、损坏之一。",
    "condition_hot": "产品发热或冒烟，必须停止退货：不要触碰，疏散人员，按门店消防程序处理。",
    "model_required": "请输入型号。",
    "model_not_found": "{input!r} 不是召回目录 {version} 中的型号。",
    "not_returnable": "{model} 在 {market} 市场的结论为“{verdict}”，没有可登记退货的召回。",
    "needs_identifier": "结论为“需进一步核对”：请先输入{needs}。",
    "serial_invalid": "序列号 {serial}：{error}",
    "duplicate_serial": "{model} 序列号 {serial} 已在单号 {ticket} 退回过，需经理授权并填写原因。",
    "override_reason_required": "授权必须填写原因。",
    "text_too_long": "{field} 超过 {max} 个字符。",
    "time_invalid": "时间 {value!r} 不是 ISO 格式（例如 2025-07-01T10:30:00+08:00）。",
    "date_invalid": "{value!r} 不是日期（YYYY-MM-DD）。",
    "market_invalid": "市场必须是 CN、US、CA、AU、JP 之一。",
    "clerk_required": "请填写店员姓名。",
    "ticket_not_found": "没有单号为 {ticket} 的退货记录。",
    "already_void": "单号 {ticket} 已作废。",
    "void_reason_required": "作废必须填写原因。",
    "db_missing_folder": "无法创建数据库：文件夹 {folder} 不存在。",
    "db_not_sqlite": "{path} 不是 Returns Desk 数据库（文件已损坏或类型不对）。请从备份恢复。",
    "db_damaged": "数据库 {path} 已损坏（{detail}）。请从备份恢复；文件未被改动。",
    "db_locked": "数据库 {path} 正被其他程序锁定，请稍后再试。",
    "db_readonly": "数据库 {path} 为只读（{detail}）：可以查询，但无法保存任何内容。",
    "db_unreadable": "无法打开数据库 {path}：{detail}",
    "db_too_new": "数据库 {path} 由更新版本的 Returns Desk 写入（结构版本 {found}，本版本支持 {known}）。请升级 Returns Desk。",
    "db_full": "磁盘已满或数据库已达到容量上限，未保存任何内容。",
    "seed_missing": "召回名单种子文件 {path} 缺失，请重新安装 Returns Desk。",
    "import_invalid": "{path}：{error}。召回目录未作任何改动。",
    "import_unreadable": "无法读取 {path}：{detail}",
    "import_done": "已载入召回目录 {version}：{recalls} 项召回，{models} 个型号（原为 {old}）。",
    "backup_done": "备份已写入 {path}",
    "recorded": "{ticket}",
    "recalls_header": "召回目录 {version}（{source}，载入于 {loaded}）",
    "unknown_value": "未知",
    "void_done": "单号 {ticket} 已作废。",
    "proof_invalid": "购买凭证必须是：无、小票、订单号、照片之一。",
    "group_by_invalid": "分组方式必须是以逗号分隔的：day、clerk、brand、model、remedy。",
    "backup_target_exists": "{path} 已存在，请换一个文件名。",
    "argument_not_utf8": "参数 {value} 不是 UTF-8 文本，请检查终端或脚本的编码。未执行任何操作。",
}

_TABLES = {"en": _EN, "zh_CN": _ZH}
REMEDY_WORDS = {"en": {"refund": "refund", "replacement": "replacement", "voucher": "voucher"},
                "zh_CN": {"refund": "退款", "replacement": "换货", "voucher": "代金券"}}


def normalise_lang(lang: str | None) -> str:
    """``zh``, ``zh_CN``, ``zh-Hans``, ``zh_CN.UTF-8`` -> ``zh_CN``; anything else -> ``en``."""
    if lang and lang.lower().replace("-", "_").startswith("zh"):
        return "zh_CN"
    return "en"


def say(key: str, lang: str = "en", /, **args: object) -> str:
    table = _TABLES.get(normalise_lang(lang), _EN)
    template = table.get(key) or _EN[key]
    return template.format(**args)


def has(key: str) -> bool:
    return key in _EN


def missing_translations() -> list[str]:
    return sorted(set(_EN) - set(_ZH))
